namespace FsmV2.Benchmarks.Workers;

/// <summary>
/// What every <see cref="BusyWorker"/> of a run shares: how many actions have run, and one in how many blocks its
/// pool thread with <see cref="Thread.Sleep(int)"/> (a synchronous driver call, say) instead of returning at once.
/// </summary>
public sealed class BusyLoad
{
    private long _actions;
    private long _blocked;

    /// <summary>Creates the load.</summary>
    /// <param name="blockEvery">One action in this many blocks; 0 for none.</param>
    /// <param name="blockFor">How long a blocking action sleeps.</param>
    public BusyLoad(int blockEvery, TimeSpan blockFor)
    {
        BlockEvery = blockEvery;
        BlockFor = blockFor;
    }

    /// <summary>One action in this many blocks; 0 for none.</summary>
    public int BlockEvery { get; }

    /// <summary>How long a blocking action sleeps.</summary>
    public TimeSpan BlockFor { get; }

    /// <summary>Actions run so far.</summary>
    public long Actions => Interlocked.Read(ref _actions);

    /// <summary>Actions that blocked so far.</summary>
    public long Blocked => Interlocked.Read(ref _blocked);

    /// <summary>One action's work.</summary>
    public void Work()
    {
        long n = Interlocked.Increment(ref _actions);
        if (BlockEvery > 0 && n % BlockEvery == 0)
        {
            Interlocked.Increment(ref _blocked);
            Thread.Sleep(BlockFor);
        }
    }
}

/// <summary>Desired state of <see cref="BusyWorker"/>.</summary>
public sealed record BusyConfig(int Slot);

/// <summary>Observed state of <see cref="BusyWorker"/>.</summary>
public sealed record BusyStatus(bool Healthy);

/// <summary>
/// A worker that runs its action every time it decides: the action completes, its completion triggers a
/// collection (which completes synchronously with a shared value), and the next tick asks for the action again.
/// Many of these keep the action pool, and the thread pool under it, busy; see <see cref="BusyLoad"/>.
/// </summary>
[Worker]
public sealed partial class BusyWorker : IWorker<BusyConfig, BusyStatus>
{
    private static readonly ValueTask<BusyStatus> Healthy = ValueTask.FromResult(new BusyStatus(true));
    private readonly BusyLoad _load;

    public BusyWorker(BusyLoad load) => _load = load;

    public ValueTask<BusyStatus> CollectAsync(BusyConfig desired, CancellationToken ct) => Healthy;

    [State(Initial = true, Terminal = true)]
    static Next Working(in Snapshot<BusyConfig, BusyStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Do(Act.Work, "work to do");

    [Action(TimeoutMs = 5_000)]
    Task Work(BusyConfig config, CancellationToken ct)
    {
        _load.Work();
        return Task.CompletedTask;
    }
}
