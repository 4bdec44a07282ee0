namespace FsmV2.Benchmarks.Workers;

/// <summary>Desired state of <see cref="IdleWorker"/>.</summary>
public sealed record IdleConfig(int Slot);

/// <summary>Observed state of <see cref="IdleWorker"/>.</summary>
public sealed record IdleStatus(bool Healthy);

/// <summary>
/// A worker with nothing to do: its one state stays put (or leaves when asked to shut down), and its collector
/// completes synchronously with a shared value. A supervisor full of these measures the bare cost of a tick.
/// </summary>
[Worker]
public sealed partial class IdleWorker : IWorker<IdleConfig, IdleStatus>
{
    private static readonly ValueTask<IdleStatus> Healthy = ValueTask.FromResult(new IdleStatus(true));

    public ValueTask<IdleStatus> CollectAsync(IdleConfig desired, CancellationToken ct) => Healthy;

    [State(Initial = true, Terminal = true)]
    static Next Idle(in Snapshot<IdleConfig, IdleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
}
