using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>The spec of every level of the test tree: run or not, a setting, and the children it wants.</summary>
public sealed record NodeSpec(bool Run = true, string Setting = "", IReadOnlyList<ChildSpec>? Kids = null) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];
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
        Fails ? throw new IOException("node sensor failed") : ValueTask.FromResult(ReportsProblem ? Sick : Healthy);
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
