using FsmV2;

namespace FsmV2.Hosting.Tests;

public sealed record GaugeSpec;

public sealed record GaugeReading(bool Broken);

/// <summary>What a gauge's collector does; a test flips it.</summary>
public sealed class GaugeControl
{
    /// <summary>The next observations say the gauge is broken: its state throws (a fault of the worker).</summary>
    public volatile bool Broken;

    /// <summary>The collector throws: the last observation ages until it is stale.</summary>
    public volatile bool Unreachable;
}

/// <summary>A worker for the health checks: healthy until told to fault or to stop observing.</summary>
[Worker]
public sealed partial class GaugeWorker(GaugeControl control) : IWorker<GaugeSpec, GaugeReading>
{
    public ValueTask<GaugeReading> CollectAsync(GaugeSpec desired, CancellationToken ct) =>
        control.Unreachable ? throw new TimeoutException("gauge unreachable") : ValueTask.FromResult(new GaugeReading(control.Broken));

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy, Terminal = true)]
    static Next Reading(in Snapshot<GaugeSpec, GaugeReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Broken ? throw new InvalidOperationException("gauge broken")
         : Stay("reading");
}
