namespace FsmV2;

/// <summary>The supervisor's type-erased handle on one worker, so a tick iterates a flat array.</summary>
internal abstract class WorkerSlot : IDroppable
{
    private volatile bool _dropped;

    /// <summary>Set once the supervisor has let go of the worker (its record removed, its stop begun).</summary>
    public bool IsDropped { get => _dropped; set => _dropped = value; }

    public abstract WorkerIdentity Identity { get; }

    /// <summary>Set once the worker has signalled <see cref="Signal.Remove"/> (or was stopped by force).</summary>
    public abstract bool IsRemoved { get; }

    public abstract void Start();

    /// <summary>
    /// One tick of this worker. Returns whether its supervisor may park it (<see cref="ParkSet"/>): it stayed, and
    /// nothing but a change of its inputs could change that decision.
    /// </summary>
    public abstract bool Tick(DateTimeOffset now);

    /// <summary>A top-level worker of a supervisor that parks (<see cref="ParkSet"/>): its position in the supervisor's list, set by the list's writer.</summary>
    internal abstract void Placed(int position);

    /// <summary>Parked in tick <paramref name="tick"/> of its <see cref="ParkSet"/>: not visited until woken. The tick's thread.</summary>
    internal abstract void Parked(int tick);

    /// <summary>
    /// Visited again: the stays of the ticks it was parked for, up to tick <paramref name="upTo"/> (at
    /// <paramref name="upToUtcTicks"/>), are counted by the flight recorder. The tick's thread.
    /// </summary>
    internal abstract void Unpark(int upTo, long upToUtcTicks);

    /// <summary>When its current observation becomes older than <see cref="SupervisorOptions.StaleAfter"/> (UTC ticks).</summary>
    internal abstract long StaleAtUtcTicks { get; }

    /// <summary>Asks the worker to stop; with <paramref name="cancelAction"/> its running action is cancelled too.</summary>
    public abstract void RequestShutdown(bool cancelAction);

    /// <summary>Cancels the in-flight action and stops the collector; completes when both have ended.</summary>
    public abstract Task StopAsync();

    public abstract WorkerStatus GetStatus(DateTimeOffset now);

    /// <summary>
    /// Set by the parent every tick (state mapping, or a disabled child spec): the worker should wind down to a
    /// stopped state and stay resident.
    /// </summary>
    public bool StopRequested { get; set; }

    /// <summary>Completes when the worker's action in flight (if any) has ended.</summary>
    public abstract Task ActionDone { get; }

    /// <summary>
    /// Keeps the worker from deciding until <paramref name="previous"/> completes: a restarted child waits for the
    /// cancelled action of the instance it replaces, so two runs never overlap.
    /// </summary>
    public abstract void HoldUntil(Task previous);

    /// <summary>The lifecycle phase of the worker's current state.</summary>
    public abstract LifecyclePhase Phase { get; }

    /// <summary>The name of the worker's current state.</summary>
    public abstract string StateName { get; }

    /// <summary>The circuit of the worker's own faults: what its parent's check judges.</summary>
    public abstract CircuitState FaultCircuit { get; }

    /// <summary>Whether an operator isolated the worker's fault circuit (without creating its supervision).</summary>
    public abstract bool IsIsolated { get; }

    /// <summary>The worker's two circuit breakers (the infrastructure one only once it has children), for operators.</summary>
    public abstract WorkerSupervision Supervision { get; }

    /// <summary>Whether the worker has observed at least once and its observation is now stale.</summary>
    public abstract bool IsStale(DateTimeOffset now);

    /// <summary>Attributes an exception from the worker's own code (its derive, run by its parent; its tick) to it.</summary>
    public abstract void RecordFault(Exception error, string where, DateTimeOffset now);

    /// <summary>Asks a top-level worker to restart (from any thread, an operator); carried out on its next tick.</summary>
    public abstract void RequestRestart(string reason);

    /// <summary>
    /// The variables this worker's children inherit: for a child, set by its parent (inherited merged with its own);
    /// for a root, its desired state's (<see cref="IHasVariables"/>).
    /// </summary>
    public VariableBundle? Variables { get; set; }

    /// <summary>How many children, grandchildren and so on this worker has.</summary>
    public abstract int DescendantCount { get; }

    /// <summary>How many workers of this subtree (this one included) have a circuit that is not closed.</summary>
    public abstract int OpenCircuitCount { get; }

    /// <summary>How this worker counts in its parent's <see cref="ChildrenView"/>.</summary>
    internal abstract ChildCondition Health(DateTimeOffset now);

    /// <summary>Adds this worker's status and, depth first, its descendants' (any thread).</summary>
    internal void AppendStatus(List<WorkerStatus> into, DateTimeOffset now)
    {
        into.Add(GetStatus(now));
        AppendDescendants(into, now);
    }

    /// <summary>Adds the status of every descendant, depth first (any thread).</summary>
    internal abstract void AppendDescendants(List<WorkerStatus> into, DateTimeOffset now);

    /// <summary>The descendant with id <paramref name="id"/>, or <see langword="null"/> (any thread).</summary>
    internal abstract ChildLifecycle? FindChild(string id);
}
