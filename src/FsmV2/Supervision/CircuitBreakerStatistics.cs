namespace FsmV2;

/// <summary>
/// A consistent snapshot of a <see cref="CircuitBreaker"/>'s counters, taken under its lock and returned by
/// value, so reading it on the tick allocates nothing.
/// </summary>
public readonly struct CircuitBreakerStatistics
{
    internal CircuitBreakerStatistics(
        CircuitState state,
        bool isIsolated,
        long failureCount,
        long successCount,
        long refusedCount,
        int consecutiveFailures,
        DateTimeOffset? lastFailureAt,
        string? lastFailureReason,
        Exception? lastException,
        long totalTrips,
        DateTimeOffset? openedAt,
        DateTimeOffset? nextProbeAt,
        int attempt,
        int maxAttempts,
        TimeSpan currentDelay)
    {
        State = state;
        IsIsolated = isIsolated;
        FailureCount = failureCount;
        SuccessCount = successCount;
        RefusedCount = refusedCount;
        ConsecutiveFailures = consecutiveFailures;
        LastFailureAt = lastFailureAt;
        LastFailureReason = lastFailureReason;
        LastException = lastException;
        TotalTrips = totalTrips;
        OpenedAt = openedAt;
        NextProbeAt = nextProbeAt;
        Attempt = attempt;
        MaxAttempts = maxAttempts;
        CurrentDelay = currentDelay;
    }

    /// <summary>The state when the snapshot was taken.</summary>
    public CircuitState State { get; }

    /// <summary>Whether an operator isolated the circuit (open, no probes, until <see cref="CircuitBreaker.Close"/>).</summary>
    public bool IsIsolated { get; }

    /// <summary>
    /// Every failure recorded since the breaker was created: <see cref="CircuitBreaker.RecordFailure(string)"/> and
    /// its overloads, and operations run by <c>ExecuteAsync</c> that threw (a caller's cancellation is not one).
    /// <see cref="CircuitBreaker.Trip"/> counts none.
    /// </summary>
    public long FailureCount { get; }

    /// <summary>
    /// Operations run by <c>ExecuteAsync</c> that completed since the breaker was created, in any state (a late
    /// success while open is counted, though it does not close the circuit). With <see cref="FailureCount"/> and
    /// <see cref="RefusedCount"/> it accounts for every <c>ExecuteAsync</c> call but those its caller cancelled.
    /// <see cref="CircuitBreaker.RecordSuccess"/> is not counted: on a closed circuit it stays one volatile read,
    /// for the tick (an interlocked increment would multiply its cost).
    /// </summary>
    public long SuccessCount { get; }

    /// <summary>
    /// Calls refused since the breaker was created: <see cref="CircuitBreaker.AllowsWork"/> answering
    /// <see langword="false"/>, which includes every <c>ExecuteAsync</c> call that did not run its operation
    /// (open, isolated, or half-open with the probe out).
    /// </summary>
    public long RefusedCount { get; }

    /// <summary>Failures since the last success (reset when a success is recorded or an operator closes the circuit).</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>
    /// When the last failure was recorded or the circuit was last tripped (<see cref="CircuitBreaker.Trip"/>);
    /// <see langword="null"/> if neither happened.
    /// </summary>
    public DateTimeOffset? LastFailureAt { get; }

    /// <summary>
    /// The reason given with the last failure or trip; <see langword="null"/> if neither happened. What the
    /// heartbeat of an open circuit names as its last failure.
    /// </summary>
    public string? LastFailureReason { get; }

    /// <summary>The exception of the last failure, when it was recorded with one (a trip clears it).</summary>
    public Exception? LastException { get; }

    /// <summary>How many times the circuit went from closed to open (reopening after a failed probe is not a new trip).</summary>
    public long TotalTrips { get; }

    /// <summary>When the current outage began (the circuit left closed); <see langword="null"/> while closed.</summary>
    public DateTimeOffset? OpenedAt { get; }

    /// <summary>When the next probe will be let through; <see langword="null"/> while closed, half-open or isolated.</summary>
    public DateTimeOffset? NextProbeAt { get; }

    /// <summary>The recovery attempt of the current outage: 1 when it opened, +1 per failed probe; 0 while closed.</summary>
    public int Attempt { get; }

    /// <summary>The attempt at which the outage is escalated (<see cref="CircuitBreakerOptions.MaxAttempts"/>).</summary>
    public int MaxAttempts { get; }

    /// <summary>The backoff delay chosen when the circuit last opened.</summary>
    public TimeSpan CurrentDelay { get; }

    /// <summary>Whether the outage has used up its attempts and must be escalated.</summary>
    public bool EscalationRequired => Attempt >= MaxAttempts;

    /// <summary>Whether exactly one attempt remains before escalation: the moment for the pre-escalation warning.</summary>
    public bool IsPreEscalation => MaxAttempts > 1 && Attempt == MaxAttempts - 1;

    /// <summary>How long the current outage has lasted at <paramref name="now"/>; zero while closed.</summary>
    public TimeSpan Downtime(DateTimeOffset now) => OpenedAt is { } opened && now > opened ? now - opened : TimeSpan.Zero;

    /// <summary>How long until the next probe at <paramref name="now"/>; zero if it is due or none is scheduled.</summary>
    public TimeSpan NextProbeIn(DateTimeOffset now) => NextProbeAt is { } probe && probe > now ? probe - now : TimeSpan.Zero;
}
