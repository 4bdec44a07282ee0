namespace FsmV2;

/// <summary>
/// How a <see cref="BackoffPolicy"/> randomises its delays, so that many children that failed together (one
/// shared dependency went away) do not all retry in the same instant when it comes back.
/// </summary>
public enum JitterMode
{
    /// <summary>No randomness: the delay is exactly the envelope of the <see cref="BackoffKind"/>.</summary>
    None = 0,

    /// <summary>
    /// A uniform draw in <c>[0, envelope]</c>. Spreads retries the most and needs no state; the mean delay is half
    /// the envelope and a single delay can be close to zero. The default.
    /// </summary>
    Full = 1,

    /// <summary>
    /// A uniform draw in <c>[InitialDelay, 3 × previous delay]</c>, capped at <c>MaxDelay</c>; the first draw's
    /// "previous delay" is <c>InitialDelay</c>. Never shorter than <c>InitialDelay</c>, grows about 1.5× per
    /// attempt on average, and ignores the <see cref="BackoffKind"/> curve (only its initial and maximum delays
    /// apply). Carries the previous delay in a <see cref="BackoffState"/>.
    /// </summary>
    Decorrelated = 2,
}
