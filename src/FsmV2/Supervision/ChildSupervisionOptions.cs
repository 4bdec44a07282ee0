namespace FsmV2;

/// <summary>
/// How one child is supervised: its <see cref="RestartPolicy"/> and how long it may take to start and to stop.
/// Data only for now; the supervisor's integration applies the timeouts.
/// </summary>
public sealed class ChildSupervisionOptions
{
    /// <summary>When the child is restarted after it ends. Default <see cref="RestartPolicy.Permanent"/>.</summary>
    public RestartPolicy Policy { get; set; } = RestartPolicy.Permanent;

    /// <summary>How long a (re)started child may take to report running before the start counts as a fault. Default 10 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping child may take before it is stopped forcibly (actions and collector cancelled). Default 5 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks every option; throws naming the first one that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is undefined, zero, negative or infinite.</exception>
    public void Validate()
    {
        const string owner = nameof(ChildSupervisionOptions);
        OptionChecks.Defined(Policy, owner, nameof(Policy));
        OptionChecks.Positive(StartupTimeout, owner, nameof(StartupTimeout));
        OptionChecks.Positive(ShutdownTimeout, owner, nameof(ShutdownTimeout));
    }

    /// <summary>A copy, so a child keeps the values it was created with.</summary>
    public ChildSupervisionOptions Clone() => (ChildSupervisionOptions)MemberwiseClone();
}
