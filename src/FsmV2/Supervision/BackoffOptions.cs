namespace FsmV2;

/// <summary>
/// The shape of a <see cref="BackoffPolicy"/>. The defaults — exponential from 1 s, doubling, capped at 60 s, full
/// jitter — give the envelope 1, 2, 4, 8, 16, 32, 60, 60 … seconds, and spread children that failed together
/// across that envelope so they do not all retry at the same instant.
/// </summary>
public sealed class BackoffOptions
{
    /// <summary>How the envelope grows with the attempt number. Default <see cref="BackoffKind.Exponential"/>.</summary>
    public BackoffKind Kind { get; set; } = BackoffKind.Exponential;

    /// <summary>The envelope of the first attempt (and the floor of decorrelated jitter). Default 1 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What each further attempt adds for <see cref="BackoffKind.Linear"/>; unused otherwise. Default 1 s.</summary>
    public TimeSpan Step { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What each further attempt multiplies by for <see cref="BackoffKind.Exponential"/>; unused otherwise. Default 2.</summary>
    public double Multiplier { get; set; } = 2.0;

    /// <summary>No delay is ever longer than this, so a long outage is still retried at a steady pace. Default 60 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How delays are randomised. Default <see cref="JitterMode.Full"/>.</summary>
    public JitterMode Jitter { get; set; } = JitterMode.Full;

    /// <summary>
    /// Checks every option; throws naming the first one that is out of range. <see cref="InitialDelay"/> and
    /// <see cref="MaxDelay"/> must be at most 49.17:02:47.294 (4294967294 ms), the longest interval a timer or
    /// <c>Task.Delay</c> accepts, so every delay can be waited on.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is negative, too large or inconsistent.</exception>
    public void Validate()
    {
        const string owner = nameof(BackoffOptions);
        OptionChecks.Defined(Kind, owner, nameof(Kind));
        OptionChecks.Defined(Jitter, owner, nameof(Jitter));
        OptionChecks.NotNegative(InitialDelay, owner, nameof(InitialDelay));
        OptionChecks.AtMostMaxWait(InitialDelay, owner, nameof(InitialDelay));
        OptionChecks.NotNegative(Step, owner, nameof(Step));
        OptionChecks.NotNegative(MaxDelay, owner, nameof(MaxDelay));
        OptionChecks.AtMostMaxWait(MaxDelay, owner, nameof(MaxDelay)); // so every delay fits a timer or Task.Delay
        if (Kind != BackoffKind.Immediate && InitialDelay == TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(InitialDelay),
                InitialDelay,
                $"{owner}.{nameof(InitialDelay)} must be positive for {Kind} backoff, or every delay would be zero; use {nameof(BackoffKind.Immediate)} for that.");
        }

        if (!double.IsFinite(Multiplier) || Multiplier < 1.0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(Multiplier),
                Multiplier,
                $"{owner}.{nameof(Multiplier)} must be a finite number of at least 1, or delays would shrink (was {Multiplier}).");
        }

        if (MaxDelay < InitialDelay)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxDelay),
                MaxDelay,
                $"{owner}.{nameof(MaxDelay)} ({MaxDelay}) must not be shorter than {nameof(InitialDelay)} ({InitialDelay}).");
        }
    }

    /// <summary>A copy, so a policy keeps the values it was created with.</summary>
    public BackoffOptions Clone() => (BackoffOptions)MemberwiseClone();
}
