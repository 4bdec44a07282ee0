namespace Communicator.Backend;

/// <summary>
/// The demo backend's fault switch: an in-process object a scenario or test flips (also reachable as
/// <c>POST /faults</c>). Reads and writes are atomic, so it can be flipped while requests are in flight.
/// </summary>
public sealed class BackendFaults
{
    private volatile int _mode;
    private long _retryAfterTicks = TimeSpan.FromSeconds(1).Ticks;
    private long _slowDelayTicks = TimeSpan.FromSeconds(5).Ticks;

    /// <summary>The current fault; <see cref="FaultKind.None"/> when healthy.</summary>
    public FaultKind Mode
    {
        get => (FaultKind)_mode;
        set => _mode = (int)value;
    }

    /// <summary>The <c>Retry-After</c> sent with 429 answers (whole seconds, at least 1). Default 1 s.</summary>
    public TimeSpan RetryAfter
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _retryAfterTicks));
        set => Interlocked.Exchange(ref _retryAfterTicks, value.Ticks);
    }

    /// <summary>How long a slow answer is held back. Default 5 s (beyond any sensible client timeout).</summary>
    public TimeSpan SlowDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _slowDelayTicks));
        set => Interlocked.Exchange(ref _slowDelayTicks, value.Ticks);
    }

    /// <summary>Back to healthy.</summary>
    public void Clear() => Mode = FaultKind.None;
}
