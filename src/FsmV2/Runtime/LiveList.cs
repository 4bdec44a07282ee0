namespace FsmV2;

/// <summary>An item of a <see cref="LiveList{T}"/>: once dropped, readers skip it until the list compacts.</summary>
internal interface IDroppable
{
    /// <summary>Set by the list's writer when the item leaves the list; never cleared.</summary>
    bool IsDropped { get; set; }
}

/// <summary>
/// The workers (or children) of a supervisor (or parent), in the order they were added: a growable array published
/// with a count, so adding is O(1) amortised, and dropping marks the item (a tombstone) and compacts into a new array
/// once half the entries are tombstones, so dropping is O(1) amortised too. One writer at a time (the caller
/// serialises); readers on any thread enumerate without a lock and see a consistent prefix: an array is never
/// written below its published count, and growing or compacting publishes a new array before the new count.
/// </summary>
internal sealed class LiveList<T>
    where T : class, IDroppable
{
    private const int MinCapacity = 4;

    private volatile T?[] _items = [];
    private volatile int _count;
    private volatile int _dropped;

    /// <summary>Items in the list, tombstones excluded (a racy read on other threads).</summary>
    public int Count => Math.Max(0, _count - _dropped);

    /// <summary>Appends <paramref name="item"/> (writer only).</summary>
    public void Add(T item)
    {
        T?[] items = _items;
        int count = _count;
        if (count == items.Length)
        {
            var grown = new T?[Math.Max(MinCapacity, count * 2)];
            Array.Copy(items, grown, count);
            _items = items = grown; // published before the count that reaches into it
        }

        items[count] = item;
        _count = count + 1;
    }

    /// <summary>The position the next <see cref="Add"/> puts its item at (writer only).</summary>
    public int NextPosition => _count;

    /// <summary>
    /// Drops <paramref name="item"/>, which is in the list (writer only): readers skip it from now on. Returns whether
    /// the list compacted, which moves the items after it to lower positions (<see cref="Published"/>).
    /// </summary>
    public bool Drop(T item)
    {
        if (item.IsDropped)
        {
            return false;
        }

        item.IsDropped = true;
        int dropped = _dropped + 1;
        _dropped = dropped;
        if (dropped * 2 < _count)
        {
            return false;
        }

        Compact();
        return true;
    }

    /// <summary>
    /// The published array and how many of its positions are in use, tombstones included (read in that order, as
    /// <see cref="GetEnumerator"/> does: past a compaction, positions may hold <see langword="null"/>).
    /// </summary>
    public T?[] Published(out int count)
    {
        T?[] items = _items;
        count = Math.Min(_count, items.Length);
        return items;
    }

    /// <summary>Empties the list and returns what it held, tombstones excluded (writer only).</summary>
    public T[] TakeAll()
    {
        T[] all = ToArray();
        _items = [];
        _count = 0;
        _dropped = 0;
        return all;
    }

    /// <summary>The items now, tombstones excluded.</summary>
    public T[] ToArray()
    {
        var all = new List<T>(Count);
        foreach (T item in this)
        {
            all.Add(item);
        }

        return [.. all];
    }

    public Enumerator GetEnumerator()
    {
        T?[] items = _items; // the array first, then the count: see Enumerator
        return new Enumerator(items, Math.Min(_count, items.Length));
    }

    private void Compact()
    {
        T?[] items = _items;
        int count = _count;
        var kept = new T?[Math.Max(MinCapacity, (count - _dropped) * 2)];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (items[i] is { IsDropped: false } item)
            {
                kept[n++] = item;
            }
        }

        _items = kept; // a reader that pairs it with the old, larger count skips the empty tail
        _dropped = 0;
        _count = n;
    }

    /// <summary>
    /// Walks a published array up to a count read after it, skipping empty entries (a compacted array read with the
    /// count of before) and tombstones. Allocation-free.
    /// </summary>
    public struct Enumerator
    {
        private readonly T?[] _items;
        private readonly int _count;
        private int _index;

        internal Enumerator(T?[] items, int count)
        {
            _items = items;
            _count = count;
            _index = -1;
            Current = null!;
        }

        public T Current { get; private set; }

        public bool MoveNext()
        {
            while (++_index < _count)
            {
                if (_items[_index] is { IsDropped: false } item)
                {
                    Current = item;
                    return true;
                }
            }

            return false;
        }
    }
}
