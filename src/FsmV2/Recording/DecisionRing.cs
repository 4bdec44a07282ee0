namespace FsmV2;

/// <summary>
/// One worker id's last decisions: a ring allocated up front, written by the tick only, read from any thread.
/// A new entry is written under a sequence lock (odd version while the tick writes); a stay coalesced into the
/// newest entry only moves its count and last time, so a steady worker costs two plain writes per tick.
/// </summary>
internal sealed class DecisionRing
{
    private readonly DecisionRecord[] _items;
    private readonly int _captureBudget;
    private long _written; // entries ever added; the newest is at (_written - 1) % capacity
    private long _version;
    private int _tailCount; // Count of the newest entry
    private long _tailLastAt; // LastAt of the newest entry, UTC ticks
    private int _capturedBytes;
    private long _oldestCaptured; // the absolute index from which captures may still be held

    public DecisionRing(WorkerIdentity identity, int capacity, int captureBudget)
    {
        Identity = identity;
        _items = new DecisionRecord[capacity];
        _captureBudget = captureBudget;
    }

    /// <summary>The worker the ring was opened for (a restarted child continues the ring of its id).</summary>
    public WorkerIdentity Identity { get; }

    /// <summary>How many live worker instances write this ring (a restarted child's new instance opens it before the old one stops); under the recorder's lock.</summary>
    public int Owners { get; set; }

    /// <summary>The bytes of captured snapshots the ring holds now.</summary>
    public int CapturedBytes => Volatile.Read(ref _capturedBytes);

    /// <summary>
    /// Coalesces a stay into the newest entry when that is a stay in the same state with the same reason; the tick
    /// only (one writer).
    /// </summary>
    public bool TryCoalesce(string state, string reason, DateTimeOffset at)
    {
        long written = _written;
        if (written == 0)
        {
            return false;
        }

        ref DecisionRecord last = ref _items[(int)((written - 1) % _items.Length)];
        if (last.Kind != NextKind.Stay || !string.Equals(last.State, state, StringComparison.Ordinal) || !string.Equals(last.Reason, reason, StringComparison.Ordinal))
        {
            return false;
        }

        int count = _tailCount;
        Volatile.Write(ref _tailCount, count == int.MaxValue ? count : count + 1);
        Volatile.Write(ref _tailLastAt, at.UtcTicks);
        return true;
    }

    /// <summary>Adds a decision, dropping the oldest when the ring is full; the tick only (one writer).</summary>
    public void Add(in DecisionRecord record)
    {
        Interlocked.Increment(ref _version); // odd: a write is under way
        long written = _written;
        int index = (int)(written % _items.Length);
        if (written >= _items.Length && _items[index].Snapshot is { } evicted)
        {
            _capturedBytes -= evicted.SizeBytes;
        }

        _items[index] = record;
        if (record.Snapshot is { } captured)
        {
            MakeRoom(captured.SizeBytes, written);
            _capturedBytes += captured.SizeBytes;
        }

        _tailCount = 1;
        _tailLastAt = record.At.UtcTicks;
        _written = written + 1;
        Volatile.Write(ref _version, _version + 1); // even: done
    }

    /// <summary>Whether a capture of <paramref name="size"/> bytes can be kept at all.</summary>
    public bool Fits(int size) => size <= _captureBudget;

    // Drops the oldest captures (their decisions stay) until the newest one fits the budget.
    private void MakeRoom(int size, long newest)
    {
        long oldest = Math.Max(_oldestCaptured, newest - _items.Length + 1);
        while (_capturedBytes + size > _captureBudget && oldest < newest)
        {
            ref DecisionRecord entry = ref _items[(int)(oldest % _items.Length)];
            if (entry.Snapshot is { } dropped)
            {
                _capturedBytes -= dropped.SizeBytes;
                entry = entry with { Snapshot = null };
            }

            oldest++;
        }

        _oldestCaptured = oldest;
    }

    /// <summary>The decisions, oldest first, as a new array (any thread).</summary>
    public DecisionRecord[] Copy()
    {
        var spin = default(SpinWait);
        while (true)
        {
            long version = Volatile.Read(ref _version);
            if ((version & 1) == 0 && TryCopy(version, out DecisionRecord[] copy))
            {
                return copy;
            }

            spin.SpinOnce();
        }
    }

    private bool TryCopy(long version, out DecisionRecord[] copy)
    {
        long written = _written;
        int count = (int)Math.Min(written, _items.Length);
        copy = new DecisionRecord[count];
        long first = written - count;
        for (int i = 0; i < count; i++)
        {
            copy[i] = _items[(int)((first + i) % _items.Length)];
        }

        int tailCount = Volatile.Read(ref _tailCount);
        long tailLastAt = Volatile.Read(ref _tailLastAt);
        Interlocked.MemoryBarrier(); // the reads above happen before the version is read again
        if (Volatile.Read(ref _version) != version)
        {
            return false;
        }

        if (count > 0)
        {
            ref DecisionRecord newest = ref copy[count - 1];
            newest = newest with { Count = tailCount, LastAt = new DateTimeOffset(tailLastAt, TimeSpan.Zero).ToOffset(newest.At.Offset) };
        }

        return true;
    }
}
