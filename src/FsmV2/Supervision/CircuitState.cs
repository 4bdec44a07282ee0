namespace FsmV2;

/// <summary>The three states of a <see cref="CircuitBreaker"/>.</summary>
public enum CircuitState
{
    /// <summary>Work flows normally; failures are counted.</summary>
    Closed = 0,

    /// <summary>Work is refused until the backoff delay has passed (or, when isolated, until an operator closes it).</summary>
    Open = 1,

    /// <summary>The backoff delay has passed and exactly one probe has been let through; its outcome decides.</summary>
    HalfOpen = 2,
}
