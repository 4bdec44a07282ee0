using System.Text.Json.Serialization;
using FsmV2;

namespace FsmV2.Orleans.Tests.Workers;

/// <summary>A root with children: its spec says how many cells it wants (JSON); the child specs are derived from it.</summary>
public sealed record FarmSpec(int Cells) : IHasChildren
{
    [JsonIgnore]
    public IReadOnlyList<ChildSpec> Children => [.. Enumerable.Range(1, Cells).Select(i => CellWorker.AsChild($"cell-{i}", new CellSpec(i)))];
}

public sealed record FarmStatus;

public sealed record CellSpec(int Number);

public sealed record CellStatus;

[Worker]
public sealed partial class FarmWorker : IWorker<FarmSpec, FarmStatus>
{
    public ValueTask<FarmStatus> CollectAsync(FarmSpec desired, CancellationToken ct)
    {
        Probe.Pulse();
        return ValueTask.FromResult(new FarmStatus());
    }

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(Stopped))]
    static Next Running(in Snapshot<FarmSpec, FarmStatus> s)
        => s.ShutdownRequested ? Goto(State.Stopped, "shutdown requested") : Stay("farming");

    [State(Terminal = true)]
    static Next Stopped(in Snapshot<FarmSpec, FarmStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("stopped");
}

[Worker, ChildOf(typeof(FarmWorker))]
public sealed partial class CellWorker : IWorker<CellSpec, CellStatus>
{
    public ValueTask<CellStatus> CollectAsync(CellSpec desired, CancellationToken ct)
    {
        Probe.Pulse();
        return ValueTask.FromResult(new CellStatus());
    }

    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<CellSpec, CellStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.StopRequested ? Stay("stopped by its parent")
         : Stay($"cell {s.Desired.Number}");
}
