namespace FsmV2;

/// <summary>
/// Marks a static method of a worker as one of its states. The method must have the shape
/// <c>static Next Name(in Snapshot&lt;TDesired, TObserved&gt; snapshot)</c> and be pure: it only looks at the
/// snapshot and returns one decision.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class StateAttribute : Attribute
{
    /// <summary>The state a new (or restarted) worker starts in. Exactly one state per worker is initial.</summary>
    public bool Initial { get; set; }

    /// <summary>
    /// A state the worker is allowed to end in: it needs no way out. Non-terminal states without outgoing
    /// transitions are reported as dead ends.
    /// </summary>
    public bool Terminal { get; set; }

    /// <summary>
    /// The lifecycle phase this state reports to operators. When not set, the generator infers it:
    /// the initial state and names starting with <c>Stopped</c> are <see cref="LifecyclePhase.Stopped"/>,
    /// names starting with <c>Starting</c>, <c>Stopping</c> or <c>Degraded</c> map to those phases,
    /// everything else is <see cref="LifecyclePhase.RunningHealthy"/>.
    /// </summary>
    public LifecyclePhase Phase { get; set; }
}
