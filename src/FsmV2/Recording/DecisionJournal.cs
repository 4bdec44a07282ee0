using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FsmV2;

/// <summary>
/// The ring writes of one tick, made together at its end (<see cref="Flush"/>) rather than where each decision is
/// taken. A worker's ring is memory the tick has not touched for a while: a store to it waits for its cache line, and
/// every store after it (the tick stores a lot: snapshots, spills) waits behind it. Measured: two such entries per
/// transition made a tick of 1,000 workers with 100 transitions 1.4× slower than without the recorder. Here a decision
/// that needs its ring is queued instead (into this journal, which stays in cache); the flush first asks for every
/// entry's cache lines (prefetch hints), then writes them, so the misses overlap instead of stalling the tick one by
/// one (measured: without the hints 1.36–1.41× instead of 1.21–1.27×; prefetching the ring at the decision, or its
/// next entries after the flush, made no difference and is not done).
/// </summary>
/// <remarks>
/// The worker's tail keeps its sequence lock odd from the decision until the flush, so a reader retries rather than
/// see the tail ahead of its ring; a reader on the tick's own thread (an escalation handler, say) flushes first
/// (<see cref="FlushOnTickThread"/>). One pending write per worker: a second one (a worker that decides twice in a
/// tick) flushes the first. The tick's thread only, like the rings it writes. Nothing is allocated after the first
/// busy ticks: the journal's array grows to at most 256 writes, then it is flushed early when full.
/// </remarks>
internal sealed class DecisionJournal
{
    private const int Capacity = 256; // then it flushes early: about 40 KB at most, the size of a first-level cache
    private Pending[] _pending = []; // grown by doubling up to Capacity: a supervisor whose ticks make few writes keeps a small one
    private int _count;
    private int _thread; // the managed thread id of the tick that queued the pending writes

    /// <summary>
    /// Queues the ring writes of <paramref name="writer"/>'s decision, made inside its tail's write (begun, not ended):
    /// the caller fills in the returned write in place; <see cref="Flush"/> makes it and ends the tail's write. The
    /// tick's thread.
    /// </summary>
    public ref DecisionWrite Add(DecisionRing ring, IDecisionWriter writer)
    {
        if (_count == _pending.Length)
        {
            Grow();
        }

        _thread = Environment.CurrentManagedThreadId;
        ref Pending pending = ref _pending[_count++];
        pending.Ring = ring;
        pending.Writer = writer;
        pending.Write.Close = pending.Write.HasMoved = pending.Write.HasEntry = false; // the caller fills in the rest
        return ref pending.Write;
    }

    /// <summary>Makes every queued write and ends each worker's tail write. The tick's thread (the end of each tick).</summary>
    public void Flush()
    {
        int count = _count;
        if (count == 0)
        {
            return;
        }

        for (int i = 0; i < count; i++)
        {
            _pending[i].Ring.PrepareAppends(_pending[i].Write.Appends); // the entries' lines on their way, all at once
        }

        Volatile.WriteBarrier(); // each tail's odd sequence (stored at its decision) before any entry stored below
        for (int i = 0; i < count; i++)
        {
            ref Pending pending = ref _pending[i];
            pending.Ring.Apply(in pending.Write);
            pending.Writer.Tail.EndPendingWrite(); // a release: the entries before the even sequence
            (pending.Ring, pending.Writer) = (null!, null!); // no worker kept alive here after it left
        }

        _count = 0;
    }

    // Full: a larger array while below Capacity (the first busy ticks only), else the writes made now.
    private void Grow()
    {
        if (_pending.Length < Capacity)
        {
            Array.Resize(ref _pending, Math.Max(4, _pending.Length * 2));
        }
        else
        {
            Flush();
        }
    }

    /// <summary>Flushes when called on the thread whose tick queued the writes (a reader there would wait forever).</summary>
    public void FlushOnTickThread()
    {
        if (_count > 0 && Environment.CurrentManagedThreadId == _thread)
        {
            Flush();
        }
    }

    /// <summary>A hint: the cache lines of <paramref name="entry"/> (an entry spans two lines unless aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Prefetch(ref DecisionEntry entry)
    {
        if (Sse.IsSupported)
        {
            byte* at = (byte*)Unsafe.AsPointer(ref entry);
            Sse.Prefetch0(at);
            Sse.Prefetch0(at + (Unsafe.SizeOf<DecisionEntry>() - 1));
        }
    }

    private struct Pending
    {
        public DecisionRing Ring;
        public IDecisionWriter Writer;
        public DecisionWrite Write;
    }
}

/// <summary>
/// What a decision changes in its worker's ring: the newest entry's count and time when it was a coalesced stay
/// (<see cref="Close"/>), the stay the tail kept moving in (<see cref="Moved"/>), and the decision's own entry
/// (<see cref="Entry"/>) unless the tail keeps it.
/// </summary>
internal struct DecisionWrite
{
#pragma warning disable SA1401, CA1051 // Plain fields of a value carried from the decision to the flush.
    public DecisionEntry Moved;
    public DecisionEntry Entry;
    public long CloseLastAt;
    public int CloseCount;
    public bool Close;
    public bool HasMoved;
    public bool HasEntry;
#pragma warning restore SA1401, CA1051

    /// <summary>How many entries the write appends.</summary>
    public readonly int Appends => (HasMoved ? 1 : 0) + (HasEntry ? 1 : 0);
}
