namespace FsmV2;

/// <summary>The decision table of <see cref="RestartPolicy"/>.</summary>
internal static class RestartPolicyExtensions
{
    /// <summary>
    /// Whether a child with <paramref name="policy"/> is started again after <paramref name="exit"/>.
    /// <see cref="ChildExit.Running"/> means "a bystander the strategy is stopping": Permanent and Transient
    /// children come back (they did not choose to end), Temporary ones do not.
    /// </summary>
    /// <param name="policy">The child's policy.</param>
    /// <param name="exit">How it ended, or <see cref="ChildExit.Running"/> for a bystander being stopped.</param>
    public static bool ShouldRestart(this RestartPolicy policy, ChildExit exit) => policy switch
    {
        RestartPolicy.Permanent => true,
        RestartPolicy.Transient => exit != ChildExit.Normal,
        _ => false,
    };
}
