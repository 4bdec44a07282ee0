using System.Collections.Concurrent;
using FsmV2;

namespace FsmV2.ClusterBenchmarks;

/// <summary>The harness's spec: the worker's id, so its collections can report where it runs.</summary>
public sealed record BeatSpec(string Id, bool Paused = false);

public sealed record BeatObserved(int Collections);

/// <summary>
/// A steady worker for the harness: Running (or Paused by its spec), no actions, one collection per collect interval,
/// each noting the silo it ran on in <see cref="Seen"/> (statics: the TestCluster's silos share this process).
/// </summary>
[Worker]
public sealed partial class BeatWorker(ILocalSiloDetails? silo = null) : IWorker<BeatSpec, BeatObserved>
{
    private readonly string _silo = silo?.SiloAddress.ToString() ?? "in-process";
    private int _collections;

    /// <summary>Worker id → the silo of its last collection.</summary>
    public static ConcurrentDictionary<string, string> Seen { get; } = new(StringComparer.Ordinal);

    /// <summary>Worker id → the silo of its first collection on a silo other than <see cref="Lost"/>, since <see cref="Lost"/> was set.</summary>
    public static ConcurrentDictionary<string, string> Survivors { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The silo killed by the harness. A TestCluster's killed silo lives on in this process, its activations still
    /// ticking: their collections are not counted as the worker being back.
    /// </summary>
    public static string? Lost { get; set; }

    public ValueTask<BeatObserved> CollectAsync(BeatSpec desired, CancellationToken ct)
    {
        Seen[desired.Id] = _silo;
        if (Lost is { } lost && _silo != lost)
        {
            Survivors.TryAdd(desired.Id, _silo);
        }

        return ValueTask.FromResult(new BeatObserved(Interlocked.Increment(ref _collections)));
    }

    [State(Initial = true)]
    [TransitionsTo(nameof(Paused))]
    static Next Running(in Snapshot<BeatSpec, BeatObserved> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Paused ? Goto(State.Paused, "paused by its spec")
         : Stay("running");

    [State]
    [TransitionsTo(nameof(Running))]
    static Next Paused(in Snapshot<BeatSpec, BeatObserved> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : !s.Desired.Paused ? Goto(State.Running, "resumed by its spec")
         : Stay("paused");
}
