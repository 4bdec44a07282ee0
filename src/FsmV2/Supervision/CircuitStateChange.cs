namespace FsmV2;

/// <summary>
/// One transition of a <see cref="CircuitBreaker"/>, passed to <see cref="CircuitBreaker.StateChanged"/> so the
/// tick integration can log it. A value type: raising it allocates nothing.
/// </summary>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="At">When it happened, on the breaker's clock.</param>
/// <param name="Attempt">The recovery attempt of the current outage (0 once closed).</param>
/// <param name="NextProbeAt">When the next probe will be let through, if the circuit is open and not isolated.</param>
/// <param name="Reason">Why: the failure reason that opened it, or what the operator or probe did.</param>
public readonly record struct CircuitStateChange(
    CircuitState From,
    CircuitState To,
    DateTimeOffset At,
    int Attempt,
    DateTimeOffset? NextProbeAt,
    string Reason);
