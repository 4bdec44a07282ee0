using System.Globalization;

namespace FsmV2;

/// <summary>
/// Thrown by the <c>ExecuteAsync</c> overloads of <see cref="CircuitBreaker"/> without a fallback when the circuit
/// refuses a call: the operation did not run. Names the breaker, its state and when the next probe is let through.
/// </summary>
public sealed class CircuitOpenException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public CircuitOpenException()
        : this("A circuit breaker refused the call.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public CircuitOpenException(string message)
        : base(message)
    {
        BreakerName = string.Empty;
        State = CircuitState.Open;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CircuitOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
        BreakerName = string.Empty;
        State = CircuitState.Open;
    }

    /// <summary>Creates the exception for a call refused by the breaker named <paramref name="breakerName"/>.</summary>
    /// <param name="breakerName">What the breaker guards (<see cref="CircuitBreaker.Name"/>).</param>
    /// <param name="state">Its state when it refused: open, or half-open with the probe out.</param>
    /// <param name="nextProbeAt">When the next probe is let through; <see langword="null"/> while half-open or isolated.</param>
    public CircuitOpenException(string breakerName, CircuitState state, DateTimeOffset? nextProbeAt)
        : base(Describe(breakerName, state, nextProbeAt))
    {
        BreakerName = breakerName;
        State = state;
        NextProbeAt = nextProbeAt;
    }

    /// <summary>The refusing breaker's <see cref="CircuitBreaker.Name"/> (empty when unknown).</summary>
    public string BreakerName { get; }

    /// <summary>The circuit's state when it refused the call.</summary>
    public CircuitState State { get; }

    /// <summary>When the next probe is let through; <see langword="null"/> while half-open, isolated, or unknown.</summary>
    public DateTimeOffset? NextProbeAt { get; }

    private static string Describe(string name, CircuitState state, DateTimeOffset? nextProbeAt) => (state, nextProbeAt) switch
    {
        (CircuitState.HalfOpen, _) => $"Circuit '{name}' is half-open and its one probe is in flight: the call was refused without running it.",
        (_, { } next) => string.Create(CultureInfo.InvariantCulture, $"Circuit '{name}' is open: the call was refused without running it; the next probe is let through at {next:O}."),
        _ => $"Circuit '{name}' is isolated by an operator: the call was refused without running it until the circuit is closed (CircuitBreaker.Close).",
    };
}
