namespace FsmV2;

/// <summary>
/// Why <see cref="CircuitBreaker.ExecuteAsync{T}(Func{CancellationToken, ValueTask{T}}, Func{CircuitFallback, CancellationToken, ValueTask{T}}, CancellationToken)"/>
/// calls its fallback: the circuit refused the call (the operation did not run), or the operation failed (the
/// failure is already recorded). A value type: passing it allocates nothing.
/// </summary>
public readonly struct CircuitFallback
{
    internal CircuitFallback(Exception? exception, CircuitState state, DateTimeOffset? nextProbeAt)
    {
        Exception = exception;
        State = state;
        NextProbeAt = nextProbeAt;
    }

    /// <summary>The operation's exception; <see langword="null"/> when the call was refused.</summary>
    public Exception? Exception { get; }

    /// <summary>Whether the circuit refused the call, so the operation did not run.</summary>
    public bool Refused => Exception is null;

    /// <summary>
    /// The circuit's state when the call was refused (open, or half-open with the probe out), or right after the
    /// failure was recorded (still closed below the threshold, or open).
    /// </summary>
    public CircuitState State { get; }

    /// <summary>When the next probe will be let through, if the circuit is open and not isolated.</summary>
    public DateTimeOffset? NextProbeAt { get; }
}
