namespace FsmV2;

/// <summary>A <see cref="ChildSpec"/> for a child of type <typeparamref name="TChild"/>; the type lets
/// <see cref="ChildSpecs{TParent}.Add{TChild}"/> check at compile time that the child may have that parent.</summary>
/// <typeparam name="TChild">The child worker type.</typeparam>
public abstract class ChildSpec<TChild> : ChildSpec
    where TChild : class
{
    private protected ChildSpec(string name, bool enabled)
        : base(name, enabled)
    {
    }

    /// <summary>A copy of this spec with restart policy <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="policy"/> is not a defined <see cref="RestartPolicy"/>.</exception>
    public ChildSpec<TChild> WithPolicy(RestartPolicy policy)
    {
        OptionChecks.Defined(policy, $"Child '{Name}'", nameof(Policy));
        ChildSpec<TChild> copy = CopyWithSupervision();
        copy.Policy = policy;
        return copy;
    }

    /// <summary>
    /// A copy of this spec with a startup timeout: after it starts, restarts or is asked to run again, the child must
    /// reach a running phase within <paramref name="timeout"/>, or it fails its parent's infrastructure check (its
    /// own circuit stays closed) and is restarted per its parent's strategy and its policy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive, or longer than 49.17:02:47.294 (the longest interval a timer accepts, the bound of every timeout).</exception>
    public ChildSpec<TChild> WithStartupTimeout(TimeSpan timeout)
    {
        OptionChecks.PositiveWait(timeout, $"Child '{Name}'", nameof(StartupTimeout));
        ChildSpec<TChild> copy = CopyWithSupervision();
        copy.StartupTimeout = timeout;
        return copy;
    }

    /// <summary>
    /// A copy of this spec with a shutdown timeout: when the child is asked to leave (removed from its parent's
    /// list, or its parent leaves) and has not reached a removable state within <paramref name="timeout"/>, it is
    /// stopped anyway (its action cancelled). Without one, <see cref="SupervisorOptions.ShutdownTimeout"/> applies.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive, or longer than 49.17:02:47.294 (the longest interval a timer accepts, the bound of every timeout).</exception>
    public ChildSpec<TChild> WithShutdownTimeout(TimeSpan timeout)
    {
        OptionChecks.PositiveWait(timeout, $"Child '{Name}'", nameof(ShutdownTimeout));
        ChildSpec<TChild> copy = CopyWithSupervision();
        copy.ShutdownTimeout = timeout;
        return copy;
    }

    internal override string WorkerType => typeof(TChild).Name;

    internal override Type ChildType => typeof(TChild);

    private protected abstract ChildSpec<TChild> Copy();

    // A copy that keeps how this child is supervised, so the With… calls can be chained in any order.
    private ChildSpec<TChild> CopyWithSupervision()
    {
        ChildSpec<TChild> copy = Copy();
        copy.Policy = Policy;
        copy.StartupTimeout = StartupTimeout;
        copy.ShutdownTimeout = ShutdownTimeout;
        return copy;
    }
}
