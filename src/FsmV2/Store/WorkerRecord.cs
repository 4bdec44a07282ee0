namespace FsmV2;

/// <summary>
/// The triangle the store keeps for one worker: its identity (written once), its desired state (with a version
/// and the time it was set) and its observed state (written by the collector with the time it was collected).
/// </summary>
public sealed class WorkerRecord<TDesired, TObserved> : IWorkerRecord, IOwnedRecord
{
    private DesiredEntry _desired;
    // The current observation, refreshed in place under a sequence lock (see ReadObservation): twice the number of
    // writes, odd while one is under way. An Observation object is built only for a reader outside the tick.
    private long _observationSeq;
    private TObserved _observed = default!;
    private bool _hasObserved;
    private int _failures;
    private DateTimeOffset _collectedAt;
    private Exception? _collectError;
    private Observation<TObserved>? _published; // the last one built for an outside reader
    private string _stateName = "";
    private long _stateSinceTicks; // _stateName's time: UTC ticks and offset, written apart so each store is a release
    private short _stateSinceOffset; // minutes
    private long _stateVersion;
    private RestartLedger? _ledger;
    private object? _owner;
    private WorkerHistory? _history; // created on first need: a fault, a circuit change, an action's end, a resume

    internal WorkerRecord(WorkerIdentity identity, TDesired desired, DateTimeOffset at)
    {
        Identity = identity;
        _desired = new DesiredEntry(desired, 1, at);
        (_stateSinceTicks, _stateSinceOffset) = (at.UtcTicks, (short)at.TotalOffsetMinutes);
    }

    /// <inheritdoc />
    public WorkerIdentity Identity { get; }

    /// <summary>The current desired state.</summary>
    public TDesired Desired => Volatile.Read(ref _desired).Value;

    /// <inheritdoc />
    public long DesiredVersion => Volatile.Read(ref _desired).Version;

    /// <inheritdoc />
    public DateTimeOffset DesiredAt => Volatile.Read(ref _desired).At;

    /// <summary>
    /// The current observed side: an immutable object, the same one for every reader until the next collection
    /// (built on the first read after it; the collection itself allocates nothing).
    /// </summary>
    public Observation<TObserved> Observation
    {
        get
        {
            ObservationReading<TObserved> reading = ReadObservation();
            if (Volatile.Read(ref _published) is { } published && published.Version == reading.Version)
            {
                return published;
            }

            if (reading.Version == 0)
            {
                return Observation<TObserved>.Initial;
            }

            var built = new Observation<TObserved>(in reading);
            Volatile.Write(ref _published, built); // racing readers each build an equal one; either may stay
            return built;
        }
    }

    /// <inheritdoc />
    public DateTimeOffset? CollectedAt => ReadObservation() is { HasValue: true } reading ? reading.CollectedAt : null;

    /// <inheritdoc />
    public Exception? CollectError => ReadObservation().Error;

    /// <inheritdoc />
    public string StateName => Volatile.Read(ref _stateName);

    /// <inheritdoc />
    public DateTimeOffset StateSince
    {
        get
        {
            // A sequence lock (see SetState): read until the time was read between the same two even versions (its
            // two fields can be torn otherwise). Every load is an acquire, so none moves past the next.
            long version, ticks;
            short offset;
            do
            {
                version = Volatile.Read(ref _stateVersion);
                ticks = Volatile.Read(ref _stateSinceTicks);
                offset = Volatile.Read(ref _stateSinceOffset);
            }
            while ((version & 1) != 0 || version != Volatile.Read(ref _stateVersion));

            return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset));
        }
    }

    /// <inheritdoc />
    public long StateVersion => Volatile.Read(ref _stateVersion);

    /// <inheritdoc />
    public int RestartCount => _ledger?.Count ?? 0;

    /// <inheritdoc />
    public IReadOnlyList<RestartRecord> RestartHistory => _ledger?.History ?? [];

    /// <inheritdoc />
    public IReadOnlyList<SupervisionEvent> SupervisionHistory => Volatile.Read(ref _history)?.Events ?? [];

    /// <inheritdoc />
    public IReadOnlyList<ActionResult> RecentActions => Volatile.Read(ref _history)?.Actions ?? [];

    /// <inheritdoc />
    public long HistoryVersion => (Volatile.Read(ref _history)?.Version ?? 0) + (_ledger?.Count ?? 0);

    /// <inheritdoc />
    public object? DesiredValue => Desired;

    /// <inheritdoc />
    public long ObservationVersion => Volatile.Read(ref _observationSeq) >> 1;

    /// <inheritdoc />
    public object? ObservedValue => ReadObservation() is { HasValue: true } reading ? reading.Value : null;

    /// <inheritdoc cref="IOwnedRecord.Owner" />
    object? IOwnedRecord.Owner => _owner;

    /// <summary>Set by the supervisor that added this record as a top-level worker: its slot, found by id through the store.</summary>
    internal void SetOwner(object owner) => _owner = owner;

    /// <summary>The ledger of this worker id, so a store reads its restart count and history.</summary>
    internal void Attach(RestartLedger ledger) => _ledger = ledger;

    /// <summary>The supervision events and action results of this instance.</summary>
    internal WorkerHistory History => Volatile.Read(ref _history) ?? Interlocked.CompareExchange(ref _history, new WorkerHistory(), null) ?? _history!;

    /// <summary>
    /// The tick sets the current state: a string of the definition and a time, so nothing is allocated. One writer at
    /// a time (the tick; the slot's constructor before the slot is published), so the sequence lock takes no locked
    /// instruction: the version is stored odd, then each field, then the version even, all release stores (a locked
    /// instruction here waited for every store before it to reach the cache: the flight recorder's writes to its
    /// ring just before a transition, measured as most of the recorder's cost per transition).
    /// </summary>
    internal void SetState(string name, DateTimeOffset since)
    {
        long version = _stateVersion;
        Volatile.Write(ref _stateVersion, version + 1); // odd: a write is under way
        Volatile.Write(ref _stateName, name);
        Volatile.Write(ref _stateSinceTicks, since.UtcTicks);
        Volatile.Write(ref _stateSinceOffset, (short)since.TotalOffsetMinutes);
        Volatile.Write(ref _stateVersion, version + 2); // even: done
    }

    /// <summary>
    /// The observation's version and the desired state's, in one value that changes whenever either does (the tick
    /// compares it to skip an unchanged worker, see <c>WorkerSlot.StaysQuiet</c>); 0 once either is too large to
    /// pack (2^39 observations, 2^24 desired states): such a worker is always evaluated. Read during an observation's
    /// write it is still the version before it.
    /// </summary>
    internal long InputsKey => InputsKeyOf(Volatile.Read(ref _observationSeq) >> 1);

    /// <summary>
    /// <see cref="InputsKey"/> for observation version <paramref name="observationVersion"/> (the one a decision read)
    /// and the desired state's version now: read before the decision reads the desired state, so a change racing it
    /// gives a key the next tick does not match.
    /// </summary>
    internal long InputsKeyOf(long observationVersion)
    {
        long desired = Volatile.Read(ref _desired).Version;
        return observationVersion < MaxKeyedObservations && desired < MaxKeyedDesired ? (observationVersion << 24) | desired : 0;
    }

    private const long MaxKeyedObservations = 1L << 39;
    private const long MaxKeyedDesired = 1L << 24;

    /// <summary>
    /// The current observation's time, UTC ticks, without the sequence lock (one 8-byte read): read after
    /// <see cref="InputsKey"/>, a newer time belongs to an observation whose new key the next tick decides on.
    /// </summary>
    internal long CollectedAtTicks => _collectedAt.UtcTicks;

    internal void SetDesired(TDesired desired, DateTimeOffset at)
    {
        DesiredEntry current = Volatile.Read(ref _desired);
        Volatile.Write(ref _desired, new DesiredEntry(desired, current.Version + 1, at));
    }

    /// <summary>Whether the most recent collection failed (one read, no consistent observation: a hint for the tick).</summary>
    internal bool HasCollectError => Volatile.Read(ref _collectError) is not null;

    /// <summary>
    /// The current observation, consistent (never half of one write and half of the next), from any thread, without
    /// allocating: a sequence lock's reader, which retries while a write is under way or if one happened meanwhile.
    /// </summary>
    internal ObservationReading<TObserved> ReadObservation()
    {
        var spin = default(SpinWait);
        while (true)
        {
            long seq = Volatile.Read(ref _observationSeq);
            if ((seq & 1) == 0)
            {
                var reading = new ObservationReading<TObserved>(_observed, _hasObserved, _collectedAt, seq >> 1, _collectError, _failures);
                Volatile.ReadBarrier(); // the field reads above complete before the check below
                if (Volatile.Read(ref _observationSeq) == seq)
                {
                    return reading;
                }
            }

            spin.SpinOnce();
        }
    }

    // Written by the worker's collector loop (a timeout's failure may race a late call's success: the sequence
    // lock's writer side takes turns).
    internal void WriteSuccess(TObserved value, DateTimeOffset at)
    {
        long seq = BeginWrite();
        _observed = value;
        _hasObserved = true;
        _collectedAt = at;
        _collectError = null;
        _failures = 0;
        Volatile.Write(ref _observationSeq, seq + 2);
    }

    /// <summary>Records a failed collection; returns how many in a row have failed.</summary>
    internal int WriteFailure(Exception error)
    {
        long seq = BeginWrite();
        _collectError = error;
        int failures = ++_failures;
        Volatile.Write(ref _observationSeq, seq + 2);
        return failures;
    }

    // Makes the sequence odd (a full fence: the writes that follow are not seen before it); returns the even value it had.
    private long BeginWrite()
    {
        var spin = default(SpinWait);
        while (true)
        {
            long seq = Volatile.Read(ref _observationSeq);
            if ((seq & 1) == 0 && Interlocked.CompareExchange(ref _observationSeq, seq + 1, seq) == seq)
            {
                return seq;
            }

            spin.SpinOnce();
        }
    }

    private sealed record DesiredEntry(TDesired Value, long Version, DateTimeOffset At);
}

/// <summary>A record that knows the supervisor's slot it belongs to (a top-level worker's), so a lookup by id is the store's.</summary>
internal interface IOwnedRecord
{
    /// <summary>The slot of the top-level worker this record is of; <see langword="null"/> for a child's.</summary>
    object? Owner { get; }
}
