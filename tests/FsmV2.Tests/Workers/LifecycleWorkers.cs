using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>
/// A leaf whose state throws on every decision while <c>crashes</c> says so (read by its collector, so a restarted
/// instance sees the test's current choice at once): a crash loop on demand.
/// </summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class CrashingCellWorker : IWorker<NodeSpec, NodeStatus>
{
    private static readonly NodeStatus Fine = new(true);
    private static readonly NodeStatus Broken = new(false);
    private readonly Func<bool> _crashes;

    public CrashingCellWorker(Func<bool> crashes) => _crashes = crashes;

    public ValueTask<NodeStatus> CollectAsync(NodeSpec desired, CancellationToken ct) => ValueTask.FromResult(_crashes() ? Broken : Fine);

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Working(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Healthy ? Stay("working")
         : throw new InvalidOperationException("cell crashed");
}

/// <summary>A leaf whose collector, once <see cref="Silent"/>, never answers again: its observation goes stale.</summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class SilentCellWorker : IWorker<NodeSpec, NodeStatus>
{
    private static readonly NodeStatus Fine = new(true);
    private readonly TaskCompletionSource<NodeStatus> _never = new();

    public bool Silent { get; set; }

    public ValueTask<NodeStatus> CollectAsync(NodeSpec desired, CancellationToken ct) =>
        Silent ? new ValueTask<NodeStatus>(_never.Task) : ValueTask.FromResult(Fine);

    [State(Initial = true)]
    [TransitionsTo(nameof(Running))]
    static Next Stopped(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : !s.StopRequested ? Goto(State.Running, "asked to run")
         : Stay("desired: stopped");

    [State]
    [TransitionsTo(nameof(Stopped))]
    static Next Running(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested || s.StopRequested ? Goto(State.Stopped, "stop requested") : Stay("running");
}
