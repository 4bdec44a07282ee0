namespace FsmV2;

/// <summary>
/// One entry of the observed side of the store: the last good observation, when it was collected, and how the
/// most recent collection went. Immutable, so the collector can publish it and the tick read it without locks.
/// </summary>
/// <typeparam name="TObserved">The worker's observed type.</typeparam>
public sealed class Observation<TObserved>
{
    internal Observation(TObserved value, bool hasValue, DateTimeOffset collectedAt, long version, Exception? error, int consecutiveFailures)
    {
        Value = value;
        HasValue = hasValue;
        CollectedAt = collectedAt;
        Version = version;
        Error = error;
        ConsecutiveFailures = consecutiveFailures;
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

    internal Observation<TObserved> WithSuccess(TObserved value, DateTimeOffset at) =>
        new(value, true, at, Version + 1, null, 0);

    internal Observation<TObserved> WithFailure(Exception error) =>
        new(Value, HasValue, CollectedAt, Version + 1, error, ConsecutiveFailures + 1);

    internal static Observation<TObserved> Initial { get; } = new(default!, false, default, 0, null, 0);
}
