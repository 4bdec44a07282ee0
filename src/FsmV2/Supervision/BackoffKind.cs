namespace FsmV2;

/// <summary>How the envelope of a <see cref="BackoffPolicy"/> grows with the attempt number.</summary>
public enum BackoffKind
{
    /// <summary>No delay at all: every attempt may go at once. Use only where the retried thing is cheap and local.</summary>
    Immediate = 0,

    /// <summary><c>InitialDelay + Step × (attempt − 1)</c>, capped at <c>MaxDelay</c>.</summary>
    Linear = 1,

    /// <summary><c>InitialDelay × Multiplier^(attempt − 1)</c>, capped at <c>MaxDelay</c>. The default.</summary>
    Exponential = 2,
}
