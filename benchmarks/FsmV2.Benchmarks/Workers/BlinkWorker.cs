using FsmV2;

namespace FsmV2.Benchmarks.Workers;

/// <summary>A counter the benchmark advances once per tick; every <see cref="BlinkWorker"/> reads the same one.</summary>
public sealed class BlinkPhase
{
    public int Value;
}

/// <summary>Desired state of <see cref="BlinkWorker"/>: which phase (0–9) makes this worker switch.</summary>
public sealed record BlinkConfig(int Slot);

/// <summary>Observed state of <see cref="BlinkWorker"/>: the shared phase.</summary>
public sealed record BlinkStatus(BlinkPhase Phase);

/// <summary>
/// A worker that switches between two states on one tick in ten: when the shared phase modulo 10 equals its slot.
/// With slots spread evenly, a tick over many of these transitions a tenth of them, so transition logs and
/// metrics fire on every tick. Its collector completes synchronously with a cached value.
/// </summary>
[Worker]
public sealed partial class BlinkWorker : IWorker<BlinkConfig, BlinkStatus>
{
    private readonly ValueTask<BlinkStatus> _status;

    public BlinkWorker(BlinkPhase phase) => _status = ValueTask.FromResult(new BlinkStatus(phase));

    public ValueTask<BlinkStatus> CollectAsync(BlinkConfig desired, CancellationToken ct) => _status;

    [State(Initial = true)]
    [TransitionsTo(nameof(Off))]
    static Next On(in Snapshot<BlinkConfig, BlinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Phase.Value % 10 == s.Desired.Slot ? Goto(State.Off, "my turn")
         : Stay("on");

    [State]
    [TransitionsTo(nameof(On))]
    static Next Off(in Snapshot<BlinkConfig, BlinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Phase.Value % 10 == s.Desired.Slot ? Goto(State.On, "my turn")
         : Stay("off");
}
