namespace FsmV2.Benchmarks.Workers;

/// <summary>Desired state of <see cref="ScaleWorker"/>.</summary>
public sealed record ScaleConfig(int Slot);

/// <summary>Observed state of <see cref="ScaleWorker"/>.</summary>
public sealed record ScaleStatus(bool Healthy);

/// <summary>
/// <see cref="IdleWorker"/> with a count of its collections (a field of the worker, so counting costs the toolkit
/// nothing and contends on nothing): its collector completes synchronously with a shared value, its one state stays
/// (or leaves when asked to shut down). For <see cref="ScaleHarness"/>.
/// </summary>
[Worker]
public sealed partial class ScaleWorker : IWorker<ScaleConfig, ScaleStatus>
{
    private static readonly ValueTask<ScaleStatus> Healthy = ValueTask.FromResult(new ScaleStatus(true));

    /// <summary>Collections so far (one at a time per worker: the supervisor never overlaps them).</summary>
    public long Collections;

    public ValueTask<ScaleStatus> CollectAsync(ScaleConfig desired, CancellationToken ct)
    {
        Collections++;
        return Healthy;
    }

    [State(Initial = true, Terminal = true)]
    static Next Idle(in Snapshot<ScaleConfig, ScaleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
}
