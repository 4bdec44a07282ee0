namespace FsmV2;

/// <summary>What <see cref="Supervisor.AddWorker{TDesired, TObserved}"/> returns: a typed handle on one supervised worker.</summary>
public sealed class WorkerHandle<TDesired, TObserved>
{
    private readonly Supervisor _supervisor;
    private readonly WorkerSlot<TDesired, TObserved> _slot;
    private readonly TimeProvider _time;

    internal WorkerHandle(Supervisor supervisor, WorkerSlot<TDesired, TObserved> slot, TimeProvider time)
    {
        _supervisor = supervisor;
        _slot = slot;
        _time = time;
    }

    /// <summary>The worker's id.</summary>
    public string Id => _slot.Identity.Id;

    /// <summary>The worker's identity, desired and observed state as the store holds them.</summary>
    public WorkerRecord<TDesired, TObserved> Record => _slot.Record;

    /// <summary>Whether the worker has left the supervisor.</summary>
    public bool IsRemoved => _slot.IsRemoved;

    /// <summary>The worker's current status.</summary>
    public WorkerStatus Status => _slot.GetStatus(_time.GetUtcNow());

    /// <summary>The worker's most recent action results, oldest first.</summary>
    public IReadOnlyList<ActionResult> RecentActions => _slot.RecentActions;

    /// <summary>The worker's last decisions, oldest first, from <see cref="Supervisor.Recorder"/>: a copy, safe from any thread.</summary>
    /// <exception cref="ArgumentException">The flight recorder is off (<see cref="FlightRecorderOptions.Capacity"/> 0).</exception>
    public IReadOnlyList<DecisionRecord> Decisions => _supervisor.Recorder.GetDecisions(Id);

    /// <summary>
    /// Completes when the worker's action in flight has finished (at once when none is), after the follow-up
    /// collection it triggers has started. Useful to drain a worker, and in tests.
    /// </summary>
    public Task ActionCompletion => _slot.ActionDone;

    /// <summary>
    /// Gives the worker a new spec. Its desired state is derived again at once; the collector and the next tick
    /// see it.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>DeriveDesired</c> threw; the previous desired state is kept.</exception>
    public void UpdateSpec(TDesired spec)
    {
        _slot.Record.SetDesired(Supervisor.Derive(_slot.Machine, _slot.Identity, spec), _time.GetUtcNow());
        _slot.Wake();
    }

    /// <summary>Both of the worker's circuits, by value: its own faults and (for a parent) its children's infrastructure. Safe from any thread.</summary>
    public WorkerCircuits Circuits => _slot.Supervision.Circuits();

    /// <summary>
    /// Operator action: forces one of the worker's circuits open with no probes until <see cref="Close"/>: the fault
    /// circuit (<see cref="ErrorScope.Worker"/>) stops the worker deciding; a parent's infrastructure circuit pauses
    /// the parent (no reconcile, no decisions). Safe from any thread.
    /// </summary>
    /// <returns><see langword="false"/> for <see cref="ErrorScope.Infrastructure"/> on a worker that has no children.</returns>
    public bool Isolate(ErrorScope scope = ErrorScope.Worker) => _supervisor.IsolateCircuit(Id, scope);

    /// <summary>Operator action: closes one of the worker's circuits now (ending an isolation or an outage). Safe from any thread.</summary>
    /// <returns><see langword="false"/> for <see cref="ErrorScope.Infrastructure"/> on a worker that has no children.</returns>
    public bool Close(ErrorScope scope = ErrorScope.Worker) => _supervisor.CloseCircuit(Id, scope);

    /// <summary>
    /// Operator action: on the next tick the worker goes back to its initial state and decides again on a fresh
    /// observation; counted in <see cref="WorkerStatus.RestartCount"/> and kept in its restart history. Safe from any thread.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty.</exception>
    public void Restart(string reason) => _supervisor.RestartWorker(Id, reason);

    /// <summary>Asks the worker to shut down gracefully; it leaves the supervisor when it signals <see cref="Signal.Remove"/>.</summary>
    public void RequestRemoval() => _supervisor.RemoveWorker(Id);
}
