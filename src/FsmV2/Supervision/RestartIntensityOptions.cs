namespace FsmV2;

/// <summary>
/// How many restarts a supervisor may make within a window before it gives up and escalates to its parent:
/// a child that keeps crashing is a problem restarting cannot fix. Default 3 restarts within 60 s.
/// </summary>
public sealed class RestartIntensityOptions
{
    /// <summary>Restarts allowed within <see cref="Window"/>; the next one escalates. 0 escalates on the first failure. Default 3.</summary>
    public int MaxRestarts { get; set; } = 3;

    /// <summary>How far back restarts count. Default 60 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Checks every option; throws naming the first one that is out of range. <see cref="MaxRestarts"/> is at most
    /// 10000: a parent keeps that many restart times, allocated up front.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is negative, zero, too large or infinite.</exception>
    public void Validate()
    {
        OptionChecks.Remembered(MaxRestarts, 0, nameof(RestartIntensityOptions), nameof(MaxRestarts));
        OptionChecks.Positive(Window, nameof(RestartIntensityOptions), nameof(Window));
    }

    /// <summary>A copy, so a tracker keeps the values it was created with.</summary>
    public RestartIntensityOptions Clone() => (RestartIntensityOptions)MemberwiseClone();
}
