namespace FsmV2;

/// <summary>A point-in-time view of one worker, for operators, dashboards and tests.</summary>
/// <param name="Id">The worker's id.</param>
/// <param name="WorkerType">The worker's type name.</param>
/// <param name="State">The current state's name.</param>
/// <param name="Phase">The current state's lifecycle phase.</param>
/// <param name="Reason">The reason given by the most recent decision.</param>
/// <param name="ActionInFlight">The name of the running action, or <see langword="null"/>.</param>
/// <param name="LastAction">The most recent completed action, or <see langword="null"/>.</param>
/// <param name="CollectedAt">When the last good observation was collected, or <see langword="null"/> before the first.</param>
/// <param name="IsStale">Whether decisions are paused because the observation is stale.</param>
/// <param name="CollectError">The error of the most recent collection, or <see langword="null"/>.</param>
/// <param name="ShutdownRequested">Whether the worker has been asked to stop.</param>
/// <param name="RestartCount">
/// How many times the worker restarted: restarted itself (<see cref="Signal.Restart"/>), was restarted by its parent
/// or by an operator. Kept with the worker's id, so it survives the instances it counts.
/// </param>
/// <param name="FaultCount">How many exceptions the worker's states, collector or derive threw.</param>
/// <param name="LastFault">The most recent exception from the worker's states, collector or derive, or <see langword="null"/>.</param>
/// <param name="Circuit">
/// The worst of the worker's circuits (<see cref="FaultCircuit"/> and, for a parent, <see cref="InfrastructureCircuit"/>).
/// </param>
/// <param name="Descendants">How many children, grandchildren and so on the worker has.</param>
/// <param name="ActionRetryAt">
/// When an action held back after failing may start again (<see cref="SupervisorOptions.ActionRetryBackoff"/>), or
/// <see langword="null"/> when none is held.
/// </param>
public sealed record WorkerStatus(
    string Id,
    string WorkerType,
    string State,
    LifecyclePhase Phase,
    string Reason,
    string? ActionInFlight,
    ActionResult? LastAction,
    DateTimeOffset? CollectedAt,
    bool IsStale,
    Exception? CollectError,
    bool ShutdownRequested,
    int RestartCount,
    int FaultCount,
    Exception? LastFault,
    CircuitState Circuit,
    int Descendants,
    DateTimeOffset? ActionRetryAt = null)
{
    /// <summary>
    /// The circuit of the worker's own faults (its states, collector or derive threw): while not closed the worker
    /// does not decide. Its parent restarts it when it opens.
    /// </summary>
    public CircuitState FaultCircuit { get; init; }

    /// <summary>
    /// A parent's infrastructure circuit (its children failed): while not closed the parent neither reconciles nor
    /// decides. <see cref="CircuitState.Closed"/> for a worker without children. It does not count in the
    /// grandparent's check: a child's failure reaches the grandparent only through its parent failing itself.
    /// </summary>
    public CircuitState InfrastructureCircuit { get; init; }

    /// <summary>Where a child is in its supervision lifecycle; <see langword="null"/> for a top-level worker.</summary>
    public ChildLifecycleState? Lifecycle { get; init; }

    /// <summary>When a child waiting to restart (or that could not be created) is tried next, or <see langword="null"/>.</summary>
    public DateTimeOffset? NextRestartAt { get; init; }

    /// <summary>The worker's last restarts (up to 10), oldest first: when, why, by which strategy, and which instance ended.</summary>
    public IReadOnlyList<RestartRecord> RestartHistory { get; init; } = [];
}
