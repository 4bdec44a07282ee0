using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>The root of a three-level tree whose variables flow down: it carries them in its desired state.</summary>
public sealed record SiteSpec(VariableBundle Variables, IReadOnlyList<ChildSpec>? Kids = null) : IHasChildren, IHasVariables
{
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];
}

/// <summary>A middle level: rendered from a template, and parent of rendered leaves.</summary>
public sealed record AreaSpec(string Label, string LeafTemplate, IReadOnlyList<ChildSpec>? Kids = null) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];
}

public sealed record LeafSpec(string Label);

public sealed record Quiet;

[Worker]
public sealed partial class SiteWorker : IWorker<SiteSpec, Quiet>
{
    private static readonly Dictionary<string, string?> AreaTemplate = new() { ["label"] = "{{ global.region }}/{{ area }}:{{ port }}" };

    public ValueTask<Quiet> CollectAsync(SiteSpec desired, CancellationToken ct) => ValueTask.FromResult(new Quiet());

    /// <summary>One area, with its own variable <c>area</c> and an override of <c>port</c>.</summary>
    public static SiteSpec With(VariableBundle variables, string leafTemplate) => new(
        variables,
        new ChildSpecs<SiteWorker>().Add(AreaWorker.AsTemplatedChild(
            "area-1",
            AreaTemplate,
            new VariableBundle(user: new Dictionary<string, object?> { ["area"] = "north", ["port"] = 9000 }),
            fields => new AreaSpec(fields["label"], leafTemplate))));

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<SiteSpec, Quiet> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker, ChildOf(typeof(SiteWorker))]
public sealed partial class AreaWorker : IWorker<AreaSpec, Quiet>
{
    public ValueTask<Quiet> CollectAsync(AreaSpec desired, CancellationToken ct) => ValueTask.FromResult(new Quiet());

    public AreaSpec DeriveDesired(AreaSpec spec) => spec with
    {
        Kids = new ChildSpecs<AreaWorker>().Add(LeafWorker.AsTemplatedChild(
            "leaf-1",
            new Dictionary<string, string?> { ["label"] = spec.LeafTemplate },
            new VariableBundle(user: new Dictionary<string, object?> { ["cell"] = "c7" }),
            fields => new LeafSpec(fields["label"]))),
    };

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<AreaSpec, Quiet> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay(s.Desired.Label);
}

[Worker, ChildOf(typeof(AreaWorker))]
public sealed partial class LeafWorker : IWorker<LeafSpec, Quiet>
{
    public ValueTask<Quiet> CollectAsync(LeafSpec desired, CancellationToken ct) => ValueTask.FromResult(new Quiet());

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<LeafSpec, Quiet> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay(s.Desired.Label);
}
