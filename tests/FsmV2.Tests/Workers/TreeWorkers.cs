using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>The spec of every level of the test tree: run or not, a setting, and the children it wants.</summary>
public sealed record NodeSpec(bool Run = true, string Setting = "", IReadOnlyList<ChildSpec>? Kids = null, RestartStrategy Strategy = RestartStrategy.OneForOne) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];

    public RestartStrategy RestartStrategy => Strategy;
}

public sealed record NodeStatus(bool Healthy);

/// <summary>Shared sensor of the tree workers: healthy unless the test says otherwise.</summary>
public abstract class NodeBase
{
    private static readonly NodeStatus Healthy = new(true);
    private static readonly NodeStatus Sick = new(false);

    public bool Fails { get; set; }

    public bool ReportsProblem { get; set; }

    public ValueTask<NodeStatus> CollectAsync(NodeSpec desired, CancellationToken ct) =>
        Fails ? throw new System.IO.IOException("node sensor failed") : ValueTask.FromResult(ReportsProblem ? Sick : Healthy);
}

/// <summary>Top of the three-level tree.</summary>
[Worker]
public sealed partial class PlantWorker : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    [State(Initial = true)]
    [TransitionsTo(nameof(Running))]
    static Next Stopped(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Run && !s.StopRequested ? Goto(State.Running, "desired: running")
         : Stay("desired: stopped");

    [State]
    [TransitionsTo(nameof(Stopped))]
    static Next Running(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested || !s.Desired.Run || s.StopRequested ? Goto(State.Stopped, "stop requested")
         : s.Children.AllOperational ? Stay("all children healthy")
         : Stay($"children {s.Children.Healthy}/{s.Children.Total} healthy, {s.Children.Unhealthy} unhealthy");
}

/// <summary>Middle of the tree: a child of a plant, parent of cells.</summary>
[Worker, ChildOf(typeof(PlantWorker))]
public sealed partial class LineWorker : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    [State(Initial = true)]
    [TransitionsTo(nameof(Running))]
    static Next Stopped(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Run && !s.StopRequested ? Goto(State.Running, "desired: running")
         : Stay("desired: stopped");

    [State]
    [TransitionsTo(nameof(Stopped), nameof(Degraded))]
    static Next Running(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested || !s.Desired.Run || s.StopRequested ? Goto(State.Stopped, "stop requested")
         : !s.Observed.Healthy ? Goto(State.Degraded, "line reports a problem")
         : s.Children.AllOperational ? Stay("all children healthy")
         : Stay($"children {s.Children.Healthy}/{s.Children.Total} healthy, {s.Children.Unhealthy} unhealthy");

    [State]
    [TransitionsTo(nameof(Stopped), nameof(Running))]
    static Next Degraded(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested || !s.Desired.Run || s.StopRequested ? Goto(State.Stopped, "stop requested")
         : s.Observed.Healthy ? Goto(State.Running, "line recovered")
         : Stay("line still reports a problem");
}

/// <summary>Leaf of the tree.</summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class CellWorker : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    [State(Initial = true)]
    [TransitionsTo(nameof(Running))]
    static Next Stopped(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Run && !s.StopRequested ? Goto(State.Running, $"running with '{s.Desired.Setting}'")
         : Stay("desired: stopped");

    [State]
    [TransitionsTo(nameof(Stopped))]
    static Next Running(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested || !s.Desired.Run || s.StopRequested ? Goto(State.Stopped, "stop requested")
         : Stay("running");
}

/// <summary>A leaf that runs one long action while it is Running, counting how many of its runs overlap.</summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class BusyCellWorker : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    private static int _running;

    /// <summary>The most runs of <see cref="Process"/> seen at once, across every instance.</summary>
    public static int MaxConcurrent;

    /// <summary>Runs of <see cref="Process"/> started, across every instance.</summary>
    public static int Started;

    /// <summary>Runs of <see cref="Process"/> that saw their cancellation, across every instance.</summary>
    public static int Cancelled;

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Working(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Do(Act.Process, "processing");

    [Action(TimeoutMs = 600_000)]
    static async Task Process(CancellationToken ct)
    {
        int now = Interlocked.Increment(ref _running);
        Interlocked.Increment(ref Started);
        InterlockedMax(ref MaxConcurrent, now);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref Cancelled);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

/// <summary>A leaf that never leaves on its own: asked to shut down, it stays.</summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class StubbornCellWorker : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Holding(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Stay("refusing to leave") : Stay("holding");
}

/// <summary>A leaf that cannot take every setting: its <c>DeriveDesired</c> rejects a setting starting with "unsupported".</summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class PickyCellWorker : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    public NodeSpec DeriveDesired(NodeSpec spec) =>
        spec.Setting.StartsWith("unsupported", StringComparison.Ordinal)
            ? throw new ArgumentException($"setting '{spec.Setting}' is not supported", nameof(spec))
            : spec;

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Holding(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("holding");
}

// Moved here so the file compiles on its own (WorkerFilesTests): it builds on the tree workers above.
/// <summary>
/// A leaf whose action ignores its cancellation token: it runs until the test completes <c>release</c>, whatever the
/// supervisor asks. <c>started</c> completes when the action runs.
/// </summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class DeafCellWorker(Task release, TaskCompletionSource started) : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Working(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Do(Act.Hold, "holding");

    [Action(TimeoutMs = 1_000)]
    async Task Hold(CancellationToken ct)
    {
        started.TrySetResult();
        await release; // ignores ct on purpose
    }
}

// Moved here so the file compiles on its own (WorkerFilesTests): it builds on the tree workers above.
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
