namespace FsmV2;

/// <summary>
/// The triangle the store keeps for one worker: its identity (written once), its desired state (with a version
/// and the time it was set) and its observed state (written by the collector with the time it was collected).
/// </summary>
public sealed class WorkerRecord<TDesired, TObserved> : IWorkerRecord
{
    private DesiredEntry _desired;
    private Observation<TObserved> _observation = Observation<TObserved>.Initial;

    internal WorkerRecord(WorkerIdentity identity, TDesired desired, DateTimeOffset at)
    {
        Identity = identity;
        _desired = new DesiredEntry(desired, 1, at);
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
