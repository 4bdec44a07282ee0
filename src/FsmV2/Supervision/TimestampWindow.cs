namespace FsmV2;

/// <summary>
/// The last <c>capacity</c> event times in a ring buffer, for "N events within W" questions. Allocates once, in
/// the constructor. Times are expected in order (the supervisor's clock); an event counts while
/// <c>now − time &lt; window</c>.
/// </summary>
internal sealed class TimestampWindow
{
    private readonly long[] _ticks;
    private readonly long _windowTicks;
    private int _next;
    private int _count;

    public TimestampWindow(int capacity, TimeSpan window)
    {
        _ticks = new long[capacity];
        _windowTicks = window.Ticks;
    }

    /// <summary>Whether the ring is full and its oldest entry is still inside the window at <paramref name="nowTicks"/>: O(1).</summary>
    public bool IsFullWithin(long nowTicks)
    {
        if (_ticks.Length == 0)
        {
            return true;
        }

        // When full, _next points at the oldest entry (the next one to be overwritten).
        return _count == _ticks.Length && nowTicks - _ticks[_next] < _windowTicks;
    }

    public void Add(long nowTicks)
    {
        if (_ticks.Length == 0)
        {
            return;
        }

        _ticks[_next] = nowTicks;
        _next = (_next + 1) % _ticks.Length;
        if (_count < _ticks.Length)
        {
            _count++;
        }
    }

    public int CountWithin(long nowTicks)
    {
        int within = 0;
        for (int i = 0; i < _count; i++)
        {
            if (nowTicks - _ticks[i] < _windowTicks)
            {
                within++;
            }
        }

        return within;
    }

    public void Clear()
    {
        _next = 0;
        _count = 0;
    }
}
