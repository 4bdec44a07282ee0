using FsmV2;

namespace FsmV2.Sqlite.Tests.Workers;

public sealed record TroubleSpec;

/// <summary>
/// Runs one action that fails ("valve stuck"), then moves to a state that throws on every decision ("sensor bus
/// down"): faults, an open fault circuit and, with <c>MaxAttempts = 1</c>, an escalation.
/// </summary>
[Worker]
public sealed partial class TroubleWorker : IWorker<TroubleSpec, StepStatus>
{
    private static readonly ValueTask<StepStatus> Status = ValueTask.FromResult(new StepStatus(3));

    public ValueTask<StepStatus> CollectAsync(TroubleSpec desired, CancellationToken ct) => Status;

    [State(Initial = true)]
    [TransitionsTo(nameof(Broken))]
    static Next Poking(in Snapshot<TroubleSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.LastAction is null ? Do(Act.Poke, "poke the valve")
         : Goto(State.Broken, "the valve did not move");

    [State(Terminal = true, Phase = LifecyclePhase.RunningDegraded)]
    static Next Broken(in Snapshot<TroubleSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : throw new InvalidOperationException("sensor bus down");

    [Action(TimeoutMs = 10_000)]
    static Task Poke(CancellationToken ct) => throw new InvalidOperationException("valve stuck");
}
