using System.Collections.Concurrent;

namespace FsmV2;

/// <summary>What a <see cref="CollectorScheduler"/> calls back when an entry falls due.</summary>
internal interface IScheduledCollector
{
    /// <summary>
    /// When the collector's next collection is due (<see cref="long.MaxValue"/>: not armed). Kept in the collector, read
    /// and written by the scheduler only, as is <see cref="Queued"/>.
    /// </summary>
    ref long Due { get; }

    /// <summary>1 while an entry of the collector is in the scheduler's queues: at most one is, however often it re-arms.</summary>
    ref byte Queued { get; }

    /// <summary>The collector's next collection is due now.</summary>
    void CollectDue();

    /// <summary>
    /// The timeout of a call armed with <paramref name="generation"/> is due; the collector ignores it if it re-armed or
    /// disarmed since.
    /// </summary>
    void OnTimeoutDue(int generation);
}

/// <summary>
/// One timer for every collector of a supervisor, instead of two timers per worker. Every collector's next collection
/// is due <see cref="SupervisorOptions.CollectInterval"/> after it was armed and every outstanding call's timeout
/// <see cref="SupervisorOptions.CollectTimeout"/> after, both constants, so each kind of entry is armed in the order it
/// falls due: two FIFO queues hold them (O(1) to arm), and one timer of the supervisor's <see cref="TimeProvider"/> is
/// armed for the earliest head. A collector has at most one collection entry queued (<see cref="IScheduledCollector.Queued"/>):
/// re-arming while it has one only moves its due time, and the entry, when it comes up before that time, goes into
/// a third queue ordered by due time (a heap, at most one entry per collector and per interval). Disarming is lazy: a
/// disarmed collector's entry is dropped when it comes up, and a timeout entry carries its call's generation.
/// </summary>
/// <remarks>
/// On <see cref="TimeProvider.System"/> the due entries are taken in batches of <see cref="BatchSize"/> and each batch
/// runs on the thread pool, so a collector that blocks before its first await delays its batch only. On any other
/// clock they run inline in the timer's callback, so a fake clock's <c>Advance</c> runs them deterministically, in
/// order of due time, every entry due by the time it advanced to (and with the clock at that time: a fake timer
/// fires once per <c>Advance</c>, so a test that needs each at its own time advances in steps).
/// </remarks>
internal sealed class CollectorScheduler : IDisposable
{
    public const int BatchSize = 256;

    private readonly Lock _lock = new();
    private readonly Lock _arming = new(); // serialises ITimer.Change: the last call reflects the latest head
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly long _intervalTicks;
    private readonly long _timeoutTicks;
    private readonly bool _onPool;
    private readonly Fifo _intervals = new();
    private readonly PriorityQueue<IScheduledCollector, long> _later = new(); // entries that came up early: re-armed since
    private readonly Fifo _timeouts = new();
    private readonly ConcurrentQueue<Batch> _spare = new();
    private readonly ConcurrentQueue<CancellationTokenSource> _sources = new(); // at most one per call in progress
    private long _armedFor = long.MaxValue; // the timestamp the timer is armed for; MaxValue: not armed
    private long _lastInterval = long.MinValue; // the due time of the FIFO's last collection entry
    private bool _dispatching;
    private bool _disposed;

    public CollectorScheduler(TimeProvider time, SupervisorOptions options)
    {
        _time = time;
        _intervalTicks = ToTimestamp(options.CollectInterval);
        _timeoutTicks = ToTimestamp(options.CollectTimeout);
        _onPool = ReferenceEquals(time, TimeProvider.System);
        _timer = time.CreateTimer(static s => ((CollectorScheduler)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Entries armed and not yet due (stale ones included), for tests.</summary>
    internal int Pending
    {
        get
        {
            lock (_lock)
            {
                return _intervals.Count + _later.Count + _timeouts.Count;
            }
        }
    }

    // One spare source per thread, so that a collection that completes synchronously (rented and returned on the
    // same thread) touches no shared queue: the queue takes the sources returned on another thread.
    [ThreadStatic]
    private static CancellationTokenSource? t_spare;

    /// <summary>A cancellation source for one collection: a returned one when there is one, else a new one.</summary>
    public CancellationTokenSource RentSource()
    {
        if (t_spare is { } spare)
        {
            t_spare = null;
            return spare;
        }

        return _sources.TryDequeue(out CancellationTokenSource? source) ? source : new CancellationTokenSource();
    }

    /// <summary>Takes back a collection's source for the next one, unless it was cancelled (then it is dropped).</summary>
    public void ReturnSource(CancellationTokenSource? source)
    {
        if (source is null)
        {
            return;
        }

        if (!source.TryReset())
        {
            source.Dispose();
        }
        else if (t_spare is null)
        {
            t_spare = source;
        }
        else
        {
            _sources.Enqueue(source);
        }
    }

    /// <summary>
    /// Arms <paramref name="collector"/>'s next collection, one collect interval from now. With an entry of the collector
    /// already queued (a collection after an action re-arms long before the last arming falls due), only its due time
    /// moves: no lock, no entry.
    /// </summary>
    public void ArmCollect(IScheduledCollector collector) => ArmCollect(collector, _time.GetTimestamp());

    /// <summary>Arms <paramref name="collector"/>'s next collection one collect interval after <paramref name="now"/>, a timestamp read just now.</summary>
    public void ArmCollect(IScheduledCollector collector, long now)
    {
        long due = now + _intervalTicks;
        Interlocked.Exchange(ref collector.Due, due); // a full fence: Queued is read after it (see TakeInterval)
        if (Volatile.Read(ref collector.Queued) == 0 && Interlocked.CompareExchange(ref collector.Queued, 1, 0) == 0)
        {
            Enqueue(collector, due);
        }
    }

    /// <summary>Disarms <paramref name="collector"/>'s next collection: its entry, if queued, is dropped when it comes up.</summary>
    public static void DisarmCollect(IScheduledCollector collector) => Volatile.Write(ref collector.Due, long.MaxValue);

    /// <summary>Arms the timeout of <paramref name="collector"/>'s outstanding call, one collect timeout from now.</summary>
    public void ArmTimeout(IScheduledCollector collector, int generation)
    {
        bool rearm;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            // Read under the lock: the queue's due times never decrease.
            long at = _time.GetTimestamp() + _timeoutTicks;
            _timeouts.Enqueue(new Entry(collector, at, generation, IsTimeout: true));
            rearm = !_dispatching && at < _armedFor;
        }

        if (rearm)
        {
            Rearm();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _intervals.Clear();
            _later.Clear();
            _timeouts.Clear();
        }

        _timer.Dispose();
    }

    // The collector's entry, queued for due: in arming order at the tail of the FIFO, or in the heap when another
    // thread's arming, read a moment later, went in first with a later time (the FIFO's due times never decrease).
    private void Enqueue(IScheduledCollector collector, long due)
    {
        bool rearm;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (due >= _lastInterval)
            {
                _lastInterval = due;
                _intervals.Enqueue(new Entry(collector, due, 0, IsTimeout: false));
            }
            else
            {
                _later.Enqueue(collector, due);
            }

            rearm = !_dispatching && due < _armedFor;
        }

        if (rearm)
        {
            Rearm();
        }
    }

    private void Rearm()
    {
        lock (_arming)
        {
            long next;
            lock (_lock)
            {
                next = _disposed ? long.MaxValue : Earliest();
                if (next == _armedFor)
                {
                    return;
                }

                _armedFor = next;
            }

            TimeSpan due = next == long.MaxValue ? Timeout.InfiniteTimeSpan : DueIn(next);
            try
            {
                _timer.Change(due, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile.
            }
        }
    }

    private long Earliest()
    {
        long next = long.MaxValue;
        if (_intervals.TryPeek(out Entry interval))
        {
            next = interval.At;
        }

        if (_later.TryPeek(out _, out long later) && later < next)
        {
            next = later;
        }

        if (_timeouts.TryPeek(out Entry timeout) && timeout.At < next)
        {
            next = timeout.At;
        }

        return next;
    }

    // Rounded up, so that the timer never fires before the head is due.
    private TimeSpan DueIn(long at)
    {
        long delta = at - _time.GetTimestamp();
        if (delta <= 0)
        {
            return TimeSpan.Zero;
        }

        long frequency = _time.TimestampFrequency;
        return TimeSpan.FromTicks((long)Math.Ceiling(delta * (double)TimeSpan.TicksPerSecond / frequency));
    }

    private long ToTimestamp(TimeSpan span) => (long)Math.Ceiling(span.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private void OnTimer()
    {
        lock (_lock)
        {
            _armedFor = long.MaxValue; // the timer has fired: armed for nothing until Rearm
            _dispatching = true;
        }

        try
        {
            if (_onPool)
            {
                DispatchBatches();
            }
            else
            {
                RunInline();
            }
        }
        finally
        {
            lock (_lock)
            {
                _dispatching = false;
            }

            Rearm();
        }
    }

    // A fake clock: one entry at a time, on the clock's thread, in order of due time.
    private void RunInline()
    {
        while (TryTake(_time.GetTimestamp(), out Entry entry))
        {
            Fire(in entry);
        }
    }

    private void DispatchBatches()
    {
        long now = _time.GetTimestamp();
        while (true)
        {
            Batch batch = _spare.TryDequeue(out Batch? spare) ? spare : new Batch(this);
            lock (_lock) // one acquisition per batch, not per entry: the batches running meanwhile re-arm under it
            {
                while (batch.Count < BatchSize && TryTakeLocked(now, out Entry entry))
                {
                    batch.Add(entry);
                }
            }

            if (batch.Count == 0)
            {
                _spare.Enqueue(batch);
                return;
            }

            ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        }
    }

    private bool TryTake(long now, out Entry entry)
    {
        lock (_lock)
        {
            return TryTakeLocked(now, out entry);
        }
    }

    // Under _lock: the earliest head of the three queues, if it is due at now (a collection's entry on a tie, as it was
    // armed first); a collection's entry that comes up disarmed or re-armed for later is not returned.
    private bool TryTakeLocked(long now, out Entry entry)
    {
        while (true)
        {
            long interval = _intervals.TryPeek(out Entry head) ? head.At : long.MaxValue;
            long later = _later.TryPeek(out _, out long at) ? at : long.MaxValue;
            long timeout = _timeouts.TryPeek(out Entry call) ? call.At : long.MaxValue;
            long first = Math.Min(interval, Math.Min(later, timeout));
            if (first > now)
            {
                entry = default;
                return false;
            }

            if (first != interval && first != later)
            {
                entry = _timeouts.Dequeue();
                return true;
            }

            IScheduledCollector collector = first == interval ? _intervals.Dequeue().Collector : _later.Dequeue();
            if (TakeInterval(collector, now, out long due))
            {
                entry = new Entry(collector, due, 0, IsTimeout: false);
                return true;
            }
        }
    }

    // Under _lock: a collector's entry has come up at now. Its mark is cleared first (a full fence: an arming from now on
    // queues an entry of its own), then its due time read: disarmed, the entry is dropped; re-armed for later, it goes
    // into the heap for that time (unless an arming queued one meanwhile); else it is due, for the time it was armed for.
    private bool TakeInterval(IScheduledCollector collector, long now, out long due)
    {
        Interlocked.Exchange(ref collector.Queued, 0);
        due = Volatile.Read(ref collector.Due);
        if (due == long.MaxValue)
        {
            return false;
        }

        if (due > now)
        {
            if (Interlocked.CompareExchange(ref collector.Queued, 1, 0) == 0)
            {
                _later.Enqueue(collector, due);
            }

            return false;
        }

        return true;
    }

    // A collection runs unless its collector re-armed or disarmed since it was taken (its due time moved).
    private static void Fire(in Entry entry)
    {
        if (entry.IsTimeout)
        {
            entry.Collector.OnTimeoutDue(entry.Generation);
        }
        else if (Interlocked.CompareExchange(ref entry.Collector.Due, long.MaxValue, entry.At) == entry.At)
        {
            entry.Collector.CollectDue();
        }
    }

    private readonly record struct Entry(IScheduledCollector Collector, long At, int Generation, bool IsTimeout);

    /// <summary>
    /// A FIFO of entries in segments of <see cref="SegmentSize"/>, so that a million armed collectors cost 24 B each
    /// and not up to twice that (a <see cref="Queue{T}"/> doubles its array). Under the scheduler's lock.
    /// </summary>
    private sealed class Fifo
    {
        private const int SegmentSize = 1024;

        private Segment _head = new();
        private Segment _tail;
        private Segment? _spare;
        private int _headIndex;
        private int _tailIndex;

        public Fifo() => _tail = _head;

        public int Count { get; private set; }

        public void Enqueue(Entry entry)
        {
            if (_tailIndex == SegmentSize)
            {
                Segment next = _spare ?? new Segment();
                _spare = null;
                _tail.Next = next;
                _tail = next;
                _tailIndex = 0;
            }

            _tail.Items[_tailIndex++] = entry;
            Count++;
        }

        public bool TryPeek(out Entry entry)
        {
            if (Count == 0)
            {
                entry = default;
                return false;
            }

            SkipSpentSegment();
            entry = _head.Items[_headIndex];
            return true;
        }

        public Entry Dequeue()
        {
            SkipSpentSegment();
            Entry entry = _head.Items[_headIndex];
            _head.Items[_headIndex++] = default;
            if (--Count == 0)
            {
                _headIndex = _tailIndex = 0; // empty: head and tail are the same segment, reused from its start
            }

            return entry;
        }

        public void Clear()
        {
            _head = _tail = new Segment();
            _spare = null;
            _headIndex = _tailIndex = 0;
            Count = 0;
        }

        private void SkipSpentSegment()
        {
            if (_headIndex == SegmentSize)
            {
                Segment spent = _head;
                _head = spent.Next!;
                _headIndex = 0;
                spent.Next = null;
                _spare = spent;
            }
        }

        private sealed class Segment
        {
            public readonly Entry[] Items = new Entry[SegmentSize];

            public Segment? Next { get; set; }
        }
    }

    /// <summary>Due entries run together on one pool thread; reused once run.</summary>
    private sealed class Batch(CollectorScheduler owner) : IThreadPoolWorkItem
    {
        private readonly Entry[] _entries = new Entry[BatchSize];

        public int Count { get; private set; }

        public void Add(Entry entry) => _entries[Count++] = entry;

        public void Execute()
        {
            for (int i = 0; i < Count; i++)
            {
                Entry entry = _entries[i];
                _entries[i] = default;
                Fire(in entry);
            }

            Count = 0;
            owner._spare.Enqueue(this);
        }
    }
}
