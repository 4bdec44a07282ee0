namespace FsmV2;

/// <summary>
/// The wall-clock time of a timestamp the caller has just read, so that the end of an action or of a collection
/// reads the clock once (its timestamp, for the duration and the next due time) instead of twice. On
/// <see cref="TimeProvider.System"/> the time is derived from the timestamp and an anchor (the offset between the two
/// clocks, taken again at most <see cref="AnchorFor"/> after the last time it was taken, so the monotonic clock's drift
/// from the wall clock stays within microseconds); any other provider is asked for <see cref="TimeProvider.GetUtcNow"/>
/// itself, since its timestamp and its wall clock need not be related (ADR 0016, amendment 4).
/// </summary>
internal sealed class WallClock
{
    /// <summary>How long an anchor is used before it is taken again.</summary>
    public static readonly TimeSpan AnchorFor = TimeSpan.FromMilliseconds(100);

    private readonly TimeProvider _time;
    private readonly bool _derived;
    private readonly long _anchorFor; // AnchorFor in timestamp units
    private readonly double _ticksPerTimestamp;
    private long _offset; // UTC ticks minus the anchoring timestamp in TimeSpan ticks
    private long _anchoredAt = long.MinValue / 2; // the timestamp the anchor was taken at

    public WallClock(TimeProvider time)
        : this(time, derive: ReferenceEquals(time, TimeProvider.System))
    {
    }

    /// <summary>With <paramref name="derive"/>, times are derived from timestamps (what <see cref="TimeProvider.System"/> gets; tests choose).</summary>
    internal WallClock(TimeProvider time, bool derive)
    {
        _time = time;
        _derived = derive;
        _ticksPerTimestamp = TimeSpan.TicksPerSecond / (double)time.TimestampFrequency;
        _anchorFor = (long)(AnchorFor.Ticks / _ticksPerTimestamp);
    }

    /// <summary>The wall-clock time at <paramref name="timestamp"/>, a timestamp of this provider read just now.</summary>
    public DateTimeOffset UtcAt(long timestamp)
    {
        if (!_derived)
        {
            return _time.GetUtcNow();
        }

        if (timestamp - Volatile.Read(ref _anchoredAt) > _anchorFor)
        {
            return Anchor(timestamp);
        }

        return new DateTimeOffset(Volatile.Read(ref _offset) + Ticks(timestamp), TimeSpan.Zero);
    }

    // Several threads may anchor at once: each writes an offset taken a moment ago, any of them will do.
    private DateTimeOffset Anchor(long timestamp)
    {
        DateTimeOffset now = _time.GetUtcNow();
        Volatile.Write(ref _offset, now.UtcTicks - Ticks(timestamp));
        Volatile.Write(ref _anchoredAt, timestamp);
        return now;
    }

    private long Ticks(long timestamp) => (long)(timestamp * _ticksPerTimestamp);
}
