namespace FsmV2;

/// <summary>
/// When a <see cref="CircuitBreaker"/> opens, how it backs off, and when an outage is escalated. Every value is
/// checked by <see cref="Validate"/> when the breaker is created, so a bad configuration fails at start with the
/// option's name.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>
    /// Consecutive failures that open a closed circuit. Default 1: the supervisor's failures are level-triggered
    /// health verdicts (already the outcome of a check, not one flaky call), so the first one pauses the subtree.
    /// Raise it for call-level breakers around noisy operations.
    /// </summary>
    public int FailureThreshold { get; set; } = 1;

    /// <summary>
    /// Recovery attempts (the opening counts as the first, each failed probe adds one) after which the outage is
    /// escalated. The attempt before it raises the pre-escalation warning. The breaker keeps probing at the capped
    /// backoff after escalation, so a dependency that comes back still closes it. Default 5.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long open counts as "stuck open" (the runbook's alert threshold). Default 5 minutes.</summary>
    public TimeSpan StuckOpenAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The delays between probes: by default exponential 1 s, 2 s, 4 s … capped at 60 s, full jitter.</summary>
    public BackoffOptions Backoff { get; set; } = new();

    /// <summary>Checks every option (and the backoff's); throws naming the first one that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Backoff"/> is <see langword="null"/>.</exception>
    public void Validate()
    {
        const string owner = nameof(CircuitBreakerOptions);
        OptionChecks.AtLeast(FailureThreshold, 1, owner, nameof(FailureThreshold));
        OptionChecks.AtLeast(MaxAttempts, 1, owner, nameof(MaxAttempts));
        OptionChecks.Positive(StuckOpenAfter, owner, nameof(StuckOpenAfter));
        OptionChecks.NotNull(Backoff, owner, nameof(Backoff));
        Backoff.Validate();
    }

    /// <summary>A deep copy, so a breaker keeps the values it was created with.</summary>
    public CircuitBreakerOptions Clone()
    {
        var copy = (CircuitBreakerOptions)MemberwiseClone();
        copy.Backoff = Backoff?.Clone()!;
        return copy;
    }
}
