namespace FsmV2;

/// <summary>
/// Rate-limits the "still recovering" heartbeat log while a circuit is open: the first call of an outage emits,
/// then at most one per <see cref="Interval"/> (default 10 s) however fast the tick runs. Allocation-free; not
/// thread-safe (the tick owns it).
/// </summary>
internal sealed class HeartbeatLimiter
{
    /// <summary>The default interval: 10 s.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private DateTimeOffset? _last;

    /// <summary>Creates a limiter.</summary>
    /// <param name="interval">The least time between two heartbeats; 10 s when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is zero, negative or infinite.</exception>
    public HeartbeatLimiter(TimeSpan? interval = null, TimeProvider? timeProvider = null)
    {
        Interval = interval ?? DefaultInterval;
        OptionChecks.Positive(Interval, nameof(HeartbeatLimiter), nameof(interval));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The least time between two heartbeats.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Whether a heartbeat is due now (on the limiter's clock); if so, it counts as emitted.</summary>
    public bool ShouldEmit() => ShouldEmit(_time.GetUtcNow());

    /// <summary>Whether a heartbeat is due at <paramref name="now"/>; if so, it counts as emitted.</summary>
    public bool ShouldEmit(DateTimeOffset now)
    {
        if (_last is { } last && now - last < Interval)
        {
            return false;
        }

        _last = now;
        return true;
    }

    /// <summary>Forgets the last heartbeat, so the next outage's first call emits at once. Call it when the circuit closes.</summary>
    public void Reset() => _last = null;
}
