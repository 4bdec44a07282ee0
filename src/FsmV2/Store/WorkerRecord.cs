namespace FsmV2;

/// <summary>
/// The triangle the store keeps for one worker: its identity (written once), its desired state (with a version
/// and the time it was set) and its observed state (written by the collector with the time it was collected).
/// </summary>
public sealed class WorkerRecord<TDesired, TObserved> : IWorkerRecord, IOwnedRecord
{
    private DesiredEntry _desired;
    private Observation<TObserved> _observation = Observation<TObserved>.Initial;
    private string _stateName = "";
    private DateTimeOffset _stateSince;
    private long _stateVersion;
    private RestartLedger? _ledger;
    private object? _owner;
    private WorkerHistory? _history; // created on first need: a fault, a circuit change, an action's end, a resume

    internal WorkerRecord(WorkerIdentity identity, TDesired desired, DateTimeOffset at)
    {
        Identity = identity;
        _desired = new DesiredEntry(desired, 1, at);
        _stateSince = at;
    }

    /// <inheritdoc />
    public WorkerIdentity Identity { get; }

    /// <summary>The current desired state.</summary>
    public TDesired Desired => Volatile.Read(ref _desired).Value;

    /// <inheritdoc />
    public long DesiredVersion => Volatile.Read(ref _desired).Version;

    /// <inheritdoc />
    public DateTimeOffset DesiredAt => Volatile.Read(ref _desired).At;

    /// <summary>The current observed side.</summary>
    public Observation<TObserved> Observation => Volatile.Read(ref _observation);

    /// <inheritdoc />
    public DateTimeOffset? CollectedAt => Observation.HasValue ? Observation.CollectedAt : null;

    /// <inheritdoc />
    public Exception? CollectError => Observation.Error;

    /// <inheritdoc />
    public string StateName => Volatile.Read(ref _stateName);

    /// <inheritdoc />
    public DateTimeOffset StateSince
    {
        get
        {
            // A sequence lock: the tick makes the version odd while it writes and even when done; read until the
            // time was read between the same two even versions (a DateTimeOffset can be torn otherwise).
            long version;
            DateTimeOffset since;
            do
            {
                version = Volatile.Read(ref _stateVersion);
                since = _stateSince;
            }
            while ((version & 1) != 0 || version != Volatile.Read(ref _stateVersion));

            return since;
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
    public long ObservationVersion => Observation.Version;

    /// <inheritdoc />
    public object? ObservedValue => Observation is { HasValue: true } o ? o.Value : null;

    /// <inheritdoc cref="IOwnedRecord.Owner" />
    object? IOwnedRecord.Owner => _owner;

    /// <summary>Set by the supervisor that added this record as a top-level worker: its slot, found by id through the store.</summary>
    internal void SetOwner(object owner) => _owner = owner;

    /// <summary>The ledger of this worker id, so a store reads its restart count and history.</summary>
    internal void Attach(RestartLedger ledger) => _ledger = ledger;

    /// <summary>The supervision events and action results of this instance.</summary>
    internal WorkerHistory History => Volatile.Read(ref _history) ?? Interlocked.CompareExchange(ref _history, new WorkerHistory(), null) ?? _history!;

    /// <summary>The tick sets the current state: a string of the definition and a time, so nothing is allocated.</summary>
    internal void SetState(string name, DateTimeOffset since)
    {
        Interlocked.Increment(ref _stateVersion); // odd: a write is under way
        Volatile.Write(ref _stateName, name);
        _stateSince = since;
        Interlocked.Increment(ref _stateVersion); // even: done
    }

    internal void SetDesired(TDesired desired, DateTimeOffset at)
    {
        DesiredEntry current = Volatile.Read(ref _desired);
        Volatile.Write(ref _desired, new DesiredEntry(desired, current.Version + 1, at));
    }

    // Only the worker's collector loop writes observations, one at a time.
    internal void WriteSuccess(TObserved value, DateTimeOffset at) =>
        Volatile.Write(ref _observation, _observation.WithSuccess(value, at));

    internal void WriteFailure(Exception error) =>
        Volatile.Write(ref _observation, _observation.WithFailure(error));

    private sealed record DesiredEntry(TDesired Value, long Version, DateTimeOffset At);
}

/// <summary>A record that knows the supervisor's slot it belongs to (a top-level worker's), so a lookup by id is the store's.</summary>
internal interface IOwnedRecord
{
    /// <summary>The slot of the top-level worker this record is of; <see langword="null"/> for a child's.</summary>
    object? Owner { get; }
}
