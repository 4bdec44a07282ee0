namespace FsmV2;

/// <summary>
/// Counts a worker's faults in a sliding window: "repeated faults (by default 3 within 5 minutes) open that
/// worker's circuit". A ring buffer of the last <see cref="Threshold"/> fault times, allocated once; recording is
/// O(1) and allocation-free. Not thread-safe: the tick that sees the faults owns it.
/// </summary>
internal sealed class FaultCounter
{
    /// <summary>The default threshold: 3 faults.</summary>
    public const int DefaultThreshold = 3;

    /// <summary>The default window: 5 minutes.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    private readonly TimestampWindow _window;

    /// <summary>Creates a counter with the defaults (3 faults within 5 minutes).</summary>
    public FaultCounter()
        : this(DefaultThreshold, DefaultWindow)
    {
    }

    /// <summary>Creates a counter.</summary>
    /// <param name="threshold">Faults within <paramref name="window"/> that count as "repeated"; from 1 to 10000 (their times are kept).</param>
    /// <param name="window">How far back faults count; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the exception names it.</exception>
    public FaultCounter(int threshold, TimeSpan window)
    {
        OptionChecks.Remembered(threshold, 1, nameof(FaultCounter), nameof(threshold));
        OptionChecks.Positive(window, nameof(FaultCounter), nameof(window));
        Threshold = threshold;
        Window = window;
        _window = new TimestampWindow(threshold, window);
    }

    /// <summary>Faults within <see cref="Window"/> that count as repeated.</summary>
    public int Threshold { get; }

    /// <summary>How far back faults count. A fault exactly <see cref="Window"/> old has left it.</summary>
    public TimeSpan Window { get; }

    /// <summary>
    /// Records a fault at <paramref name="now"/> and returns whether <see cref="Threshold"/> faults (this one
    /// included) now fall within <see cref="Window"/> — the moment to open the worker's circuit. Stays
    /// <see langword="true"/> for further faults while the window still holds that many.
    /// </summary>
    public bool Record(DateTimeOffset now)
    {
        long ticks = now.UtcTicks;
        _window.Add(ticks);
        return _window.IsFullWithin(ticks);
    }

    /// <summary>How many recorded faults are within the window at <paramref name="now"/> (at most <see cref="Threshold"/>).</summary>
    public int CountWithin(DateTimeOffset now) => _window.CountWithin(now.UtcTicks);

    /// <summary>Forgets every fault, for instance when an operator closes the worker's circuit.</summary>
    public void Reset() => _window.Clear();
}
