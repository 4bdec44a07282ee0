namespace FsmV2;

/// <summary>
/// What a <see cref="BackoffPolicy"/> remembers between attempts of one outage: only the previous delay, which
/// <see cref="JitterMode.Decorrelated"/> grows from. Kept by the caller (a field of its own), so the policy stays
/// immutable and shareable and a computation allocates nothing.
/// </summary>
public struct BackoffState
{
    /// <summary>The delay returned by the previous computation of this outage; zero before the first one.</summary>
    public TimeSpan PreviousDelay { get; internal set; }

    /// <summary>Forgets the outage: the next computation starts from the initial delay again.</summary>
    public void Reset() => PreviousDelay = TimeSpan.Zero;
}
