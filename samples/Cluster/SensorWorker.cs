using FsmV2;

namespace ClusterSample;

/// <summary>The sensor's spec: whether it is paused (a spec travels and persists as JSON).</summary>
public sealed record SensorSpec(bool Paused = false);

/// <summary>What a sensor reports: whether it has been calibrated.</summary>
public sealed record SensorReading(bool Calibrated);

/// <summary>
/// The sample's worker: Calibrating (its action, Calibrate, runs once) → Measuring, where it stays unless its spec
/// pauses it (Paused). A worker that moved to another silo resumes in its persisted state, Measuring, from grain storage.
/// </summary>
[Worker]
public sealed partial class SensorWorker : IWorker<SensorSpec, SensorReading>
{
    private int _calibrated;

    public ValueTask<SensorReading> CollectAsync(SensorSpec desired, CancellationToken ct) =>
        ValueTask.FromResult(new SensorReading(Volatile.Read(ref _calibrated) == 1));

    [State(Initial = true)]
    [TransitionsTo(nameof(Measuring))]
    static Next Calibrating(in Snapshot<SensorSpec, SensorReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Calibrated ? Goto(State.Measuring, "calibrated")
         : Do(Act.Calibrate, "not calibrated yet");

    [State]
    [TransitionsTo(nameof(Paused))]
    static Next Measuring(in Snapshot<SensorSpec, SensorReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Paused ? Goto(State.Paused, "paused by its spec")
         : Stay("measuring");

    [State]
    [TransitionsTo(nameof(Measuring))]
    static Next Paused(in Snapshot<SensorSpec, SensorReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : !s.Desired.Paused ? Goto(State.Measuring, "resumed by its spec")
         : Stay("paused");

    [Action(TimeoutMs = 5_000)]
    Task Calibrate(SensorSpec spec, CancellationToken ct)
    {
        Volatile.Write(ref _calibrated, 1);
        return Task.CompletedTask;
    }
}
