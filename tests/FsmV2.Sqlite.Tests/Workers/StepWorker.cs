using FsmV2;

namespace FsmV2.Sqlite.Tests.Workers;

/// <summary>Where a <see cref="StepWorker"/> goes (A, B or C), and the children it wants.</summary>
public sealed record StepSpec(string Target = "B", IReadOnlyList<ChildSpec>? Kids = null) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];

    public RestartStrategy RestartStrategy => RestartStrategy.OneForOne;
}

public sealed record StepStatus(int Reading);

/// <summary>A worker that walks A → B → C up to its target, and back down from C to B or B to A.</summary>
[Worker]
public sealed partial class StepWorker : IWorker<StepSpec, StepStatus>
{
    private static readonly ValueTask<StepStatus> Status = ValueTask.FromResult(new StepStatus(42));

    public ValueTask<StepStatus> CollectAsync(StepSpec desired, CancellationToken ct) => Status;

    [State(Initial = true)]
    [TransitionsTo(nameof(B))]
    static Next A(in Snapshot<StepSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Target == "A" ? Stay("at target")
         : Goto(State.B, "towards the target");

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(A), nameof(C))]
    static Next B(in Snapshot<StepSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Target == "B" ? Stay("at target")
         : s.Desired.Target == "A" ? Goto(State.A, "back to the target")
         : Goto(State.C, "towards the target");

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(B))]
    static Next C(in Snapshot<StepSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Target == "C" ? Stay("at target")
         : Goto(State.B, "back to the target");
}

/// <summary>Whether a <see cref="LatchWorker"/> should latch.</summary>
public sealed record LatchSpec(bool Latch);

/// <summary>A child that goes from Idle to Latched when its spec says so, and stays latched for good.</summary>
[Worker, ChildOf(typeof(StepWorker))]
public sealed partial class LatchWorker : IWorker<LatchSpec, StepStatus>
{
    private static readonly ValueTask<StepStatus> Status = ValueTask.FromResult(new StepStatus(7));

    public ValueTask<StepStatus> CollectAsync(LatchSpec desired, CancellationToken ct) => Status;

    [State(Initial = true)]
    [TransitionsTo(nameof(Latched))]
    static Next Idle(in Snapshot<LatchSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Latch && !s.StopRequested ? Goto(State.Latched, "asked to latch")
         : Stay("waiting");

    [State(Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Latched(in Snapshot<LatchSpec, StepStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("latched");
}
