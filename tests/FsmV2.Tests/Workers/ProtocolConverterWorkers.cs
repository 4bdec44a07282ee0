using System.Collections.Concurrent;
using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>
/// A protocol converter's spec: its variables and data flows. Its desired state adds the children, rendered from
/// templates with those variables (see <see cref="ProtocolConverterWorker.DeriveDesired"/>).
/// </summary>
public sealed record ConverterSpec(VariableBundle Variables, IReadOnlyList<string> Flows, IReadOnlyList<ChildSpec>? Kids = null) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Kids ?? [];
}

public sealed record ConnectionSpec(string Address);

public sealed record FlowSpec(string Topic, string Source);

public sealed record LinkStatus(bool Up);

/// <summary>The real-world parent: one Connection child and one DataFlow child per flow, from templates.</summary>
[Worker]
public sealed partial class ProtocolConverterWorker : IWorker<ConverterSpec, LinkStatus>
{
    private static readonly Dictionary<string, string?> ConnectionTemplate = new() { ["address"] = "{{ ip }}:{{ port }}" };

    private static readonly Dictionary<string, string?> FlowTemplate = new()
    {
        ["topic"] = "{{ location_path }}.{{ flow }}",
        ["source"] = "{{ ip }}",
    };

    public ValueTask<LinkStatus> CollectAsync(ConverterSpec desired, CancellationToken ct) => ValueTask.FromResult(new LinkStatus(true));

    public ConverterSpec DeriveDesired(ConverterSpec spec)
    {
        var children = new ChildSpecs<ProtocolConverterWorker>()
            .Add(ConnectionWorker.AsTemplatedChild("connection", ConnectionTemplate, spec.Variables, fields => new ConnectionSpec(fields["address"])));
        foreach (string flow in spec.Flows)
        {
            VariableBundle variables = spec.Variables.WithUser(spec.Variables.User.Append(new KeyValuePair<string, object?>("flow", flow)));
            children.Add(DataFlowWorker.AsTemplatedChild($"flow-{flow}", FlowTemplate, variables, fields => new FlowSpec(fields["topic"], fields["source"])));
        }

        return spec with { Kids = children };
    }

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<ConverterSpec, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("converting")
         : Stay("waiting for children");
}

/// <summary>The converter's connection to its device.</summary>
[Worker, ChildOf(typeof(ProtocolConverterWorker))]
public sealed partial class ConnectionWorker : IWorker<ConnectionSpec, LinkStatus>
{
    /// <summary>Addresses whose device is unreachable; a test adds its own unique address.</summary>
    public static readonly ConcurrentDictionary<string, bool> Unreachable = new();

    public ValueTask<LinkStatus> CollectAsync(ConnectionSpec desired, CancellationToken ct) =>
        Unreachable.ContainsKey(desired.Address)
            ? throw new System.IO.IOException($"device {desired.Address} unreachable")
            : ValueTask.FromResult(new LinkStatus(true));

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Connected(in Snapshot<ConnectionSpec, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("connected");
}

/// <summary>One data flow of the converter.</summary>
[Worker, ChildOf(typeof(ProtocolConverterWorker))]
public sealed partial class DataFlowWorker : IWorker<FlowSpec, LinkStatus>
{
    public ValueTask<LinkStatus> CollectAsync(FlowSpec desired, CancellationToken ct) => ValueTask.FromResult(new LinkStatus(true));

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Flowing(in Snapshot<FlowSpec, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("flowing");
}
