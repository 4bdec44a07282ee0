namespace FsmV2;

/// <summary>
/// Enforces a <see cref="RestartIntensityOptions"/>: remembers the times of the last restarts (a ring buffer,
/// allocated once) and refuses the one that would exceed the limit. Time comes from the injected
/// <see cref="TimeProvider"/>. Not thread-safe: the supervisor's tick owns it.
/// </summary>
internal sealed class RestartIntensityTracker
{
    private readonly TimeProvider _time;
    private readonly TimestampWindow _window;

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">The limit; validated and copied. Defaults (3 in 60 s) when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public RestartIntensityTracker(RestartIntensityOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = (options ?? new RestartIntensityOptions()).Clone();
        Options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _window = new TimestampWindow(Options.MaxRestarts, Options.Window);
    }

    /// <summary>The validated copy of the options. Do not change it.</summary>
    public RestartIntensityOptions Options { get; }

    /// <summary>
    /// Asks to restart now. Returns <see langword="true"/> and records the restart if fewer than
    /// <see cref="RestartIntensityOptions.MaxRestarts"/> restarts happened within the window; otherwise returns
    /// <see langword="false"/> (the intensity is exceeded: escalate) and records nothing.
    /// </summary>
    public bool TryRecordRestart()
    {
        long now = _time.GetUtcNow().UtcTicks;
        if (_window.IsFullWithin(now))
        {
            return false;
        }

        _window.Add(now);
        return true;
    }

    /// <summary>Restarts recorded within the window now.</summary>
    public int RestartsInWindow => _window.CountWithin(_time.GetUtcNow().UtcTicks);

    /// <summary>Forgets every restart, for instance after the parent restarted this whole subtree.</summary>
    public void Reset() => _window.Clear();
}
