using FsmV2;

namespace FsmV2.Sqlite.Tests.Workers;

public sealed record FlipSpec;

/// <summary>Switches between Up and Down on every tick, so each tick transitions every worker.</summary>
[Worker]
public sealed partial class FlipWorker : IWorker<FlipSpec, StepStatus>
{
    private static readonly ValueTask<StepStatus> Status = ValueTask.FromResult(new StepStatus(1));

    public ValueTask<StepStatus> CollectAsync(FlipSpec desired, CancellationToken ct) => Status;

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(Down))]
    static Next Up(in Snapshot<FlipSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Down, "flip");

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(Up))]
    static Next Down(in Snapshot<FlipSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Up, "flop");
}
