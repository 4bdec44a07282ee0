namespace FsmV2.Benchmarks.Workers;

/// <summary>Spec of every level of the benchmark tree: a setting and the children wanted.</summary>
public sealed record BranchSpec(int Setting, IReadOnlyList<ChildSpec>? Kids = null) : IHasChildren
{
    /// <inheritdoc />
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];
}

/// <summary>Root of the benchmark tree: one state that stays while its children are fine.</summary>
[Worker]
public sealed partial class RootWorker : IWorker<BranchSpec, IdleStatus>
{
    private static readonly ValueTask<IdleStatus> Healthy = ValueTask.FromResult(new IdleStatus(true));

    /// <inheritdoc />
    public ValueTask<IdleStatus> CollectAsync(BranchSpec desired, CancellationToken ct) => Healthy;

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<BranchSpec, IdleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all children healthy")
         : Stay("waiting for children");
}

/// <summary>Middle of the benchmark tree.</summary>
[Worker, ChildOf(typeof(RootWorker))]
public sealed partial class BranchWorker : IWorker<BranchSpec, IdleStatus>
{
    private static readonly ValueTask<IdleStatus> Healthy = ValueTask.FromResult(new IdleStatus(true));

    /// <inheritdoc />
    public ValueTask<IdleStatus> CollectAsync(BranchSpec desired, CancellationToken ct) => Healthy;

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<BranchSpec, IdleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all children healthy")
         : Stay("waiting for children");
}

/// <summary>Leaf of the benchmark tree.</summary>
[Worker, ChildOf(typeof(BranchWorker)), ChildOf(typeof(RootWorker))]
public sealed partial class LeafWorker : IWorker<BranchSpec, IdleStatus>
{
    private static readonly ValueTask<IdleStatus> Healthy = ValueTask.FromResult(new IdleStatus(true));

    /// <inheritdoc />
    public ValueTask<IdleStatus> CollectAsync(BranchSpec desired, CancellationToken ct) => Healthy;

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<BranchSpec, IdleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}
