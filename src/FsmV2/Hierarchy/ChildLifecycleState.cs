namespace FsmV2;

/// <summary>
/// Where a child is in its supervision lifecycle, as its parent sees it (see <see cref="WorkerStatus.Lifecycle"/>).
/// One internal type owns these states and every transition between them; each transition is logged with its
/// reason and counted (<c>fsmv2.child.lifecycle.transitions</c>).
/// </summary>
public enum ChildLifecycleState
{
    /// <summary>An instance is live and asked to run, and has not reached a running phase since it (re)started.</summary>
    Starting,

    /// <summary>An instance is live and has reached a running phase.</summary>
    Running,

    /// <summary>An instance is live but its parent asks it to stay stopped (a disabled spec, or the parent's state maps it stopped).</summary>
    Idle,

    /// <summary>
    /// The parent found it unhealthy (its circuit is open, its observation is stale, it overran its startup timeout,
    /// or a sanity check named it) and has not restarted it yet: its restart intensity is exceeded, so the parent
    /// failed itself and waits for its own probe or its own parent.
    /// </summary>
    Failed,

    /// <summary>The instance that failed has been stopped; a new one starts when the child's restart delay has passed.</summary>
    WaitingToRestart,

    /// <summary>
    /// No instance could be created (the factory threw, the spec could not be bound, the template did not render);
    /// tried again with backoff. Counted as wanted and unhealthy in the parent's <see cref="ChildrenView"/>.
    /// </summary>
    Unstartable,

    /// <summary>Asked to leave (no longer wanted, or its parent is leaving); it leaves when it signals removal or its shutdown timeout passes.</summary>
    Leaving,

    /// <summary>It has left: no longer supervised.</summary>
    Gone,
}
