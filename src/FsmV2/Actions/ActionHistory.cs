using System.Collections;

namespace FsmV2;

/// <summary>
/// A worker's most recent action results, oldest first: an immutable window over a buffer it shares with the windows
/// published before it. Appending writes the next free slot of the buffer (never one an earlier window covers) and
/// publishes a new window, so an action's end allocates this small object instead of a copy of the whole history;
/// the buffer, twice the history's length, is copied into a new one once it is full.
/// </summary>
internal sealed class ActionHistory : IReadOnlyList<ActionResult>
{
    private readonly ActionResult[] _buffer;
    private readonly int _start;

    private ActionHistory(ActionResult[] buffer, int start, int count)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
    }

    /// <summary>No results yet.</summary>
    public static ActionHistory Empty { get; } = new([], 0, 0);

    public int Count { get; }

    public ActionResult this[int index] => (uint)index < (uint)Count ? _buffer[_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>
    /// This window with <paramref name="result"/> added, keeping at most <paramref name="length"/> results. Only the
    /// latest window is appended to, by one writer at a time (the worker's action runner).
    /// </summary>
    public ActionHistory Append(ActionResult result, int length)
    {
        int keep = Math.Min(Count, length - 1);
        int end = _start + Count;
        if (end < _buffer.Length)
        {
            _buffer[end] = result;
            return new ActionHistory(_buffer, end - keep, keep + 1);
        }

        var buffer = new ActionResult[Math.Max(2, length * 2)];
        Array.Copy(_buffer, end - keep, buffer, 0, keep);
        buffer[keep] = result;
        return new ActionHistory(buffer, 0, keep + 1);
    }

    public IEnumerator<ActionResult> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return _buffer[_start + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
