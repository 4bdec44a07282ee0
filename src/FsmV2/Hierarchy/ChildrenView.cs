namespace FsmV2;

/// <summary>
/// What a parent's states see of its children at a tick: how many there are and how they are doing. Counted
/// every tick without allocating.
/// </summary>
/// <param name="Total">Live children (including ones winding down).</param>
/// <param name="Healthy">Children in a <see cref="LifecyclePhase.RunningHealthy"/> state with a fresh observation.</param>
/// <param name="Unhealthy">Children degraded, faulted, with a stale observation or a failing collector.</param>
/// <param name="Stopped">Children in a <see cref="LifecyclePhase.Stopped"/> state.</param>
/// <param name="Wanted">Children the parent's desired state lists and enables.</param>
public readonly record struct ChildrenView(int Total, int Healthy, int Unhealthy, int Stopped, int Wanted)
{
    /// <summary>Every wanted child is live and healthy (true when none is wanted).</summary>
    public bool AllOperational => Healthy >= Wanted && Unhealthy == 0;
}
