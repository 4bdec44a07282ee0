namespace FsmV2;

/// <summary>
/// One entry of the observed side of the store: the last good observation, when it was collected, and how the
/// most recent collection went. Immutable: a reader holding one never sees it change.
/// </summary>
/// <remarks>
/// The record keeps its current observation in fields of its own, refreshed in place by the collector, and builds
/// one of these only when someone outside the tick asks (<see cref="WorkerRecord{TDesired, TObserved}.Observation"/>),
/// at most one per version, so a collection allocates nothing (ADR 0016).
/// </remarks>
/// <typeparam name="TObserved">The worker's observed type.</typeparam>
public sealed class Observation<TObserved>
{
    internal Observation(in ObservationReading<TObserved> reading)
    {
        Value = reading.Value;
        HasValue = reading.HasValue;
        CollectedAt = reading.CollectedAt;
        Version = reading.Version;
        Error = reading.Error;
        ConsecutiveFailures = reading.ConsecutiveFailures;
    }

    /// <summary>The last successfully collected value (default until the first success).</summary>
    public TObserved Value { get; }

    /// <summary>Whether any collection has succeeded yet.</summary>
    public bool HasValue { get; }

    /// <summary>When <see cref="Value"/> was collected.</summary>
    public DateTimeOffset CollectedAt { get; }

    /// <summary>Increases with every write, success or failure.</summary>
    public long Version { get; }

    /// <summary>The error of the most recent collection, or <see langword="null"/> if it succeeded.</summary>
    public Exception? Error { get; }

    /// <summary>How many collections in a row have failed.</summary>
    public int ConsecutiveFailures { get; }

    internal static Observation<TObserved> Initial { get; } = new(default(ObservationReading<TObserved>));
}

/// <summary>
/// A consistent reading of a record's current observation, by value: what the tick decides on, without an
/// <see cref="Observation{TObserved}"/> object per collection.
/// </summary>
internal readonly struct ObservationReading<TObserved>(TObserved value, bool hasValue, DateTimeOffset collectedAt, long version, Exception? error, int consecutiveFailures)
{
    public TObserved Value { get; } = value;

    public bool HasValue { get; } = hasValue;

    public DateTimeOffset CollectedAt { get; } = collectedAt;

    public long Version { get; } = version;

    public Exception? Error { get; } = error;

    public int ConsecutiveFailures { get; } = consecutiveFailures;
}
