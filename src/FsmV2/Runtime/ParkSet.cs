using System.Numerics;

namespace FsmV2;

/// <summary>
/// Which top-level workers the tick need not visit (<see cref="SupervisorOptions.SkipUnchangedStays"/>): a worker
/// whose last decision was a stay that only a change of its inputs could alter is <em>parked</em>, and stays out of
/// the tick's walk until something wakes it: a collection (success, failure or timeout), a new desired state, a
/// shutdown request, anything that gives it a <c>Rare</c> (a fault, an operator request), or its observation growing
/// older than <see cref="SupervisorOptions.StaleAfter"/>. One bit per position of the supervisor's list in each of
/// two bitmaps (parked: the tick's own; woken: set from any thread), and per 64 positions the earliest time one of
/// its parked workers goes stale, so a tick over a parked fleet reads three words per 64 workers instead of 64 slots.
/// </summary>
/// <remarks>
/// Positions are the list's (<see cref="LiveList{T}"/>): set when a worker is added (before it is published) and
/// again for every worker when the list compacts, after which every worker is visited once (<see cref="UnparkAll"/>).
/// A waker that read a position just before it changed sets a bit for another worker (a spurious visit, harmless);
/// the worker it meant is visited anyway, since the compaction unparked everyone after the waker's write (the waker
/// fences between its write and reading the position). The woken bitmap is made of chunks that never move, so a bit
/// set while the table grows is not lost. Parking is counted in ticks of this set (<see cref="Tick"/>, never 0), so
/// the flight recorder can count the stays a parked worker was not visited for (<see cref="TryReadLastTick"/>).
/// </remarks>
internal sealed class ParkSet
{
    private const int ChunkShift = 12; // 4,096 positions (64 words) per chunk of the woken bitmap
    private const int WordsPerChunk = 1 << (ChunkShift - 6);

    private volatile long[]?[] _woken = [];
    private long[] _parked = [];
    private long[] _staleAt = [];
    private int _tick;
    private int _lastTickSequence; // even while stable: a sequence lock over (_lastTick, _lastTickAt)
    private int _lastTick;
    private long _lastTickAt;

    /// <summary>The current tick's number (from <see cref="BeginTick"/>; never 0). The tick's thread.</summary>
    public int Tick => _tick;

    /// <summary>
    /// Makes sure a bit can be woken at every position below <paramref name="count"/>, before a worker is published
    /// there. The list's writer (under the supervisor's lock).
    /// </summary>
    public void Reserve(int count)
    {
        long[]?[] chunks = _woken;
        int needed = (count + (1 << ChunkShift) - 1) >> ChunkShift;
        if (needed <= chunks.Length)
        {
            return;
        }

        var grown = new long[]?[Math.Max(needed, chunks.Length * 2)];
        Array.Copy(chunks, grown, chunks.Length);
        for (int i = chunks.Length; i < grown.Length; i++)
        {
            grown[i] = new long[WordsPerChunk];
        }

        _woken = grown; // the old chunks are the same objects: a bit set in them is seen through the new table
    }

    /// <summary>
    /// Wakes the worker at <paramref name="position"/> for the next tick (any thread, after a full fence that orders
    /// the change it wakes for before this). A bit already set is left as it is: the tick that takes it reads the
    /// change (its exchange comes after this read), so the shared word is written once per tick at most.
    /// </summary>
    public void Wake(int position)
    {
        long[]?[] chunks = _woken;
        if ((uint)(position >> ChunkShift) < (uint)chunks.Length && chunks[position >> ChunkShift] is { } chunk)
        {
            ref long word = ref chunk[(position >> 6) & (WordsPerChunk - 1)];
            if ((Volatile.Read(ref word) & (1L << position)) == 0)
            {
                Interlocked.Or(ref word, 1L << position); // only when not set yet: a set bit is read, not written again
            }
        }
    }

    /// <summary>Starts a tick over <paramref name="count"/> positions; returns its number. The tick's thread.</summary>
    public int BeginTick(int count)
    {
        int words = (count + 63) >> 6;
        if (_parked.Length < words)
        {
            int length = Math.Max(words, _parked.Length * 2);
            Array.Resize(ref _parked, length);
            int from = _staleAt.Length;
            Array.Resize(ref _staleAt, length);
            Array.Fill(_staleAt, long.MaxValue, from, length - from);
        }

        _tick = unchecked(_tick + 1) is int next and not 0 ? next : 1; // wraps after 2^32 ticks, skipping 0 (not parked)
        return _tick;
    }

    /// <summary>
    /// The positions of word <paramref name="word"/> to visit this tick (bits, position <c>64 × word + bit</c>):
    /// those not parked, those woken, and every parked one once a parked worker there may have gone stale;
    /// <paramref name="wereParked"/> says which of them were parked (their skipped stays are counted first). The
    /// visited ones are parked no more; <see cref="Park"/> parks them again. The tick's thread.
    /// </summary>
    public long Visit(int word, int count, long nowUtcTicks, out long wereParked)
    {
        long parked = _parked[word];
        long visit = ~parked | TakeWoken(word);
        if (nowUtcTicks > _staleAt[word])
        {
            visit |= parked; // one of them may be stale: all are looked at, and those still fresh park again
            _staleAt[word] = long.MaxValue;
        }

        int valid = count - (word << 6);
        if (valid < 64)
        {
            visit &= (1L << valid) - 1;
        }

        wereParked = visit & parked;
        _parked[word] = parked & ~visit;
        return visit;
    }

    /// <summary>Parks the worker at <paramref name="position"/>, stale after <paramref name="staleAtUtcTicks"/>. The tick's thread.</summary>
    public void Park(int position, long staleAtUtcTicks)
    {
        int word = position >> 6;
        _parked[word] |= 1L << position;
        _staleAt[word] = Math.Min(_staleAt[word], staleAtUtcTicks);
    }

    /// <summary>
    /// Unparks every position (after the list compacted: every worker is visited on the next tick); calls
    /// <paramref name="unpark"/> with each position that was parked. The tick's thread.
    /// </summary>
    public void UnparkAll(Action<int> unpark)
    {
        for (int word = 0; word < _parked.Length; word++)
        {
            for (long bits = _parked[word]; bits != 0; bits &= bits - 1)
            {
                unpark((word << 6) + BitOperations.TrailingZeroCount(bits));
            }

            _parked[word] = 0;
            _staleAt[word] = long.MaxValue;
        }
    }

    /// <summary>How many positions are parked now (tests). The tick's thread, or between ticks.</summary>
    public int CountParked()
    {
        int parked = 0;
        foreach (long word in _parked)
        {
            parked += BitOperations.PopCount((ulong)word);
        }

        return parked;
    }

    /// <summary>Publishes the tick just completed and its time, for readers counting a parked worker's stays. The tick's thread.</summary>
    public void EndTick(long nowUtcTicks)
    {
        int sequence = _lastTickSequence;
        Volatile.Write(ref _lastTickSequence, sequence + 1);
        Volatile.Write(ref _lastTick, _tick);
        Volatile.Write(ref _lastTickAt, nowUtcTicks);
        Volatile.Write(ref _lastTickSequence, sequence + 2);
    }

    /// <summary>The last completed tick and its time, consistent (any thread); false before the first.</summary>
    public bool TryReadLastTick(out int tick, out long atUtcTicks)
    {
        var spin = default(SpinWait);
        while (true)
        {
            int sequence = Volatile.Read(ref _lastTickSequence);
            tick = Volatile.Read(ref _lastTick);
            atUtcTicks = Volatile.Read(ref _lastTickAt);
            if ((sequence & 1) == 0 && Volatile.Read(ref _lastTickSequence) == sequence)
            {
                return tick != 0;
            }

            spin.SpinOnce();
        }
    }

    /// <summary>
    /// Ticks from <paramref name="parkedAt"/> (the tick a worker parked in) to <paramref name="upTo"/>; 0 if not later
    /// (a reader during the tick it parked in). Across the wrap of the numbers (every 2^32 ticks) one more: the 0 skipped.
    /// </summary>
    public static int TicksBetween(int parkedAt, int upTo) => unchecked((uint)(upTo - parkedAt)) is var ticks and <= int.MaxValue ? (int)ticks : 0;

    private long TakeWoken(int word)
    {
        long[]?[] chunks = _woken;
        if (chunks[word >> (ChunkShift - 6)] is not { } chunk)
        {
            return 0;
        }

        ref long woken = ref chunk[word & (WordsPerChunk - 1)];
        return Volatile.Read(ref woken) == 0 ? 0 : Interlocked.Exchange(ref woken, 0);
    }
}
