using System.Collections;

namespace FsmV2;

/// <summary>
/// A worker's most recent action results: a ring of twice the history's length, appended to in place by the worker's
/// action runner (one writer: runs end one at a time). Nothing is allocated per action but its
/// <see cref="ActionResult"/>: a reader asks for the window ending at a given count of results
/// (<see cref="Window"/>), an immutable list built on first need and kept while it is the latest.
/// </summary>
/// <remarks>
/// The tick's snapshot carries this ring and the count at its decision rather than a list (nothing is built for a
/// state that does not read <see cref="Snapshot{TDesired, TObserved}.RecentActions"/>). The ring keeps the last
/// <c>2 × length</c> results, so the window of a snapshot kept after its decision is still built whole while fewer
/// than <c>length</c> later actions have ended; after that the results overwritten since are left out.
/// </remarks>
internal sealed class ActionHistory
{
    private readonly ActionResult?[] _ring;
    private readonly int _length;
    private long _total; // results appended so far
    private ActionWindow _window = ActionWindow.Empty; // the last window built

    public ActionHistory(int length)
    {
        _length = length;
        _ring = new ActionResult?[length * 2];
    }

    /// <summary>How many results have been appended (not capped by the length).</summary>
    public long Total => Volatile.Read(ref _total);

    /// <summary>The most recent results, oldest first, at most the history's length: the window ending now.</summary>
    public IReadOnlyList<ActionResult> Current => Window(Total);

    /// <summary>The most recent result, or <see langword="null"/> before the first.</summary>
    public ActionResult? Latest => At(Total);

    /// <summary>Appends <paramref name="result"/>; the runner only (one run ends at a time).</summary>
    public void Append(ActionResult result)
    {
        long total = _total;
        Volatile.Write(ref _ring[total % _ring.Length], result); // not seen before the previous append's count
        Volatile.Write(ref _total, total + 1);
    }

    /// <summary>The last result of the first <paramref name="total"/> ones, if the ring still holds it.</summary>
    public ActionResult? At(long total)
    {
        if (total == 0)
        {
            return null;
        }

        ActionResult? result = Volatile.Read(ref _ring[(total - 1) % _ring.Length]);
        return Retained(total - 1) ? result : null;
    }

    /// <summary>The window of the history's length ending after the first <paramref name="total"/> results.</summary>
    public IReadOnlyList<ActionResult> Window(long total)
    {
        ActionWindow window = Volatile.Read(ref _window);
        if (window.Total == total)
        {
            return window;
        }

        long first = Math.Max(0, total - _length);
        var items = new ActionResult[total - first];
        for (long i = first; i < total; i++)
        {
            items[i - first] = Volatile.Read(ref _ring[i % _ring.Length])!;
        }

        // Results overwritten while (or before) they were read are left out, oldest first.
        long kept = first;
        while (kept < total && !Retained(kept))
        {
            kept++;
        }

        window = new ActionWindow(kept == first ? items : items[(int)(kept - first)..], total);
        Volatile.Write(ref _window, window);
        return window;
    }

    // Result number index (0-based), read before this call, was still in the ring: its slot is rewritten only by the
    // append after the one that makes the count index + ring size, so a count below that proves it (read after it).
    private bool Retained(long index)
    {
        Volatile.ReadBarrier();
        return Volatile.Read(ref _total) - index < _ring.Length;
    }

    /// <summary>An immutable window of results, oldest first.</summary>
    private sealed class ActionWindow(ActionResult[] items, long total) : IReadOnlyList<ActionResult>
    {
        public static readonly ActionWindow Empty = new([], 0);

        public long Total { get; } = total;

        public int Count => items.Length;

        public ActionResult this[int index] => items[index];

        public IEnumerator<ActionResult> GetEnumerator() => ((IEnumerable<ActionResult>)items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();
    }
}
