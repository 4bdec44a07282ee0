using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker under supervision: its current state, its collector, its single action slot and, for a parent, its
/// children. The tick (<see cref="Tick"/>) is a sequence of gates — hold, operator restart, children, collector
/// fault, action in flight, observation, fault circuit — then the decision and its dispatch. It reads only plain
/// fields and the store, calls the generated <c>Decide</c>, and allocates nothing unless the decision starts an
/// action or is logged.
/// </summary>
internal sealed class WorkerSlot<TDesired, TObserved> : CollectorLoop<TDesired, TObserved>, IActionHost, IDecisionWriter
{
    // Whether this worker type's desired state can list children: decided once per closed generic type (a type
    // that is not sealed may have a subtype that does).
    private static readonly bool IsParentType = typeof(IHasChildren).IsAssignableFrom(typeof(TDesired)) || !typeof(TDesired).IsSealed;

    private static readonly ActionResult[] NoActions = [];
    private readonly long[] _transitionCounts;
    private RestartLedger? _ledger; // a child's: its lifecycle's; a top-level worker's: created by its first restart
    private readonly bool _isChild;
    private volatile ActionRunner<TDesired, TObserved>? _actions; // created by the first action: idle workers have none
    private readonly bool _recording; // the flight recorder is on: decisions go to the tail (and the ring, once opened)
    private readonly bool _captures; // the recorder keeps this worker's snapshots: every entry goes to the ring

    private volatile int _state;
    private volatile string _reason = "added";
    private volatile bool _shutdownRequested;
    private volatile bool _removed;
    private bool _stale;
    private volatile Rare? _rare; // what an idle worker does not need: see Rare
    // The recording's ring, once the tail could not keep a decision: the slot's own field, not Rare's, so that a worker
    // that records does not make every gate of its tick read Rare (measured: a cold line per worker and tick).
    private WorkerDecisions<TDesired, TObserved>? _ring;
    private DecisionTail _tail; // the recording's newest entry and sequence lock, in the slot: a coalesced stay touches nothing else
    // A child's (SkipUnchangedStays): the inputs of its last quiet stay, repeated while they are unchanged (StaysQuiet).
    // A top-level worker's under a supervisor that parks: its place in the supervisor's ParkSet. See QuietMark.
    private QuietMark _quiet;

    public WorkerSlot(IWorkerMachine<TDesired, TObserved> machine, WorkerRecord<TDesired, TObserved> record, SupervisorContext context, RestartLedger? ledger = null, bool isChild = false)
        : base(machine, record, context)
    {
        _ledger = ledger;
        _isChild = isChild;
        _transitionCounts = context.Metrics.TransitionCounts(Definition);
        _state = Resume(record, context);
        if (context.Recorder.IsEnabled)
        {
            // The instance's record (one per slot) stands for it among the ring's owners: a hash set of owners stores a
            // hash code in its object's header, and this slot's header must stay free for its lock's fast path.
            _recording = true;
            if (context.Recorder.Continue<TDesired, TObserved>(this, record, record.Identity, Definition, context.Logger) is { } ring)
            {
                _ring = ring; // a new instance of an id the recorder kept: it continues that recording
                _captures = ring.KeepsSnapshots;
            }
        }
    }

    /// <summary>
    /// The state this instance starts in: the persisted one (by name) when the store kept this id, with its restart
    /// count and history; else the initial state. A persisted state the type no longer has resumes in the initial one.
    /// </summary>
    private int Resume(WorkerRecord<TDesired, TObserved> record, SupervisorContext context)
    {
        if (_ledger is { } ledger)
        {
            record.Attach(ledger);
        }

        int state = Definition.InitialState;
        WorkerIdentity who = record.Identity;
        if (context.Store is IPersistentWorkerStore store && store.TryTakeResume(who.Id, who.WorkerType, out PersistedWorker? persisted))
        {
            Ledger().Restore(persisted.RestartCount, persisted.RestartHistory);
            record.History.Restore(persisted.SupervisionHistory, persisted.RecentActions);
            int found = Definition.FindState(persisted.StateName);
            if (found >= 0)
            {
                state = found;
                Log.WorkerResumed(context.Logger, who.Id, who.WorkerType, persisted.StateName, persisted.RestartCount);
            }
            else
            {
                Log.ResumedStateMissing(context.Logger, who.Id, who.WorkerType, persisted.StateName, Definition.GetStateName(state));
            }
        }

        record.SetState(Definition.GetStateName(state), context.Time.GetUtcNow());
        return state;
    }

    public override WorkerIdentity Identity => _record.Identity;

    // The generated adapter returns its type's one definition: read through the worker, not kept per slot.
    private WorkerDefinition Definition => _machine.Definition;

    // The tick's thread (a restart, a resume): the record reads the count and history from it from then on.
    private RestartLedger Ledger()
    {
        if (_ledger is null)
        {
            _ledger = new RestartLedger();
            _record.Attach(_ledger);
        }

        return _ledger;
    }

    public override bool IsRemoved => _removed;

    public WorkerRecord<TDesired, TObserved> Record => _record;

    public IWorkerMachine<TDesired, TObserved> Machine => _machine;

    // Created once, from the tick or an operator's thread (circuits, status).
    public override WorkerSupervision Supervision
    {
        get
        {
            Rare rare = RareState();
            return rare.Supervision ?? Interlocked.CompareExchange(ref rare.Supervision, new WorkerSupervision(_record.Identity, _context, _record.History), null) ?? rare.Supervision!;
        }
    }

    // Null until a fault, children or an operator needed it; any thread.
    private WorkerSupervision? SupervisionOrNull => _rare?.Supervision;

    private ChildTree? ChildrenOrNull => _rare?.Children;

    public override void Start() => StartCollecting();

    public override void RequestShutdown(bool cancelAction)
    {
        if (!_shutdownRequested)
        {
            _shutdownRequested = true;
            Log.RemovalRequested(_context.Logger, Identity.Id, Identity.WorkerType);
            Wake();
        }

        if (cancelAction)
        {
            _actions?.CancelCurrent();
        }
    }

    public override void RequestRestart(string reason) => Volatile.Write(ref RareState().RestartRequest, reason);

    // Created once, from the tick or an operator's thread.
    private Rare RareState() => _rare ?? CreateRare();

    // A parked worker has no Rare: the one created now wakes it.
    private Rare CreateRare()
    {
        Rare rare = Interlocked.CompareExchange(ref _rare, new Rare(), null) ?? _rare!;
        Wake();
        return rare;
    }

    // The supervisor's ParkSet when this is one of its top-level workers and it parks them; else null.
    private ParkSet? OwnParks => _isChild ? null : _context.Parks;

    /// <summary>
    /// Something this worker decides on changed (a collection, its desired state, a request): when it is parked, the
    /// next tick visits it. Any thread, after the change is written.
    /// </summary>
    public void Wake()
    {
        if (OwnParks is { } parks)
        {
            Interlocked.MemoryBarrier(); // the change is visible before the position is read (ParkSet's remarks)
            parks.Wake(Volatile.Read(ref _quiet.Position));
        }
    }

    private protected override void Observed() => Wake();

    internal override void Placed(int position) => Volatile.Write(ref _quiet.Position, position);

    internal override void Parked(int tick) => Volatile.Write(ref _quiet.ParkedAt, tick);

    internal override void Unpark(int upTo, long upToUtcTicks)
    {
        int skipped = ParkSet.TicksBetween(_quiet.ParkedAt, upTo);
        if (!_recording || skipped == 0 || _tail.Count == 0)
        {
            Volatile.Write(ref _quiet.ParkedAt, 0);
            return;
        }

        int sequence = _tail.BeginWrite(); // the stays and the end of the park together, for a reader (ParkedStays)
        _tail.AddStays(skipped, upToUtcTicks);
        Volatile.Write(ref _quiet.ParkedAt, 0);
        _tail.EndWrite(sequence);
    }

    internal override long StaleAtUtcTicks
    {
        get
        {
            long collectedAt = _record.CollectedAtTicks, staleAfter = _context.Options.StaleAfter.Ticks;
            return collectedAt > long.MaxValue - staleAfter ? long.MaxValue : collectedAt + staleAfter;
        }
    }

    public override bool Tick(DateTimeOffset now)
    {
        if (_quiet.Inputs != 0 && OwnParks is null)
        {
            if (StaysQuiet(now))
            {
                return false;
            }

            _quiet.Inputs = 0; // something changed: decided on below, then maybe quiet again
        }

        if (_removed || IsHeld())
        {
            return false;
        }

        RestartIfRequested();
        if (!SuperviseChildren(now, out ChildrenView children))
        {
            Supervision.Heartbeat(now); // the subtree's infrastructure is failing: no decisions or actions
            return false;
        }

        if (_actions is { InFlight: true } && !_record.HasCollectError)
        {
            return false; // nothing to decide, no collector fault to count: the busy worker's visit reads no observation
        }

        long observedEpoch = ObservedEpoch; // before the observation it describes
        ObservationReading<TObserved> observation = _record.ReadObservation();
        RecordCollectorFault(in observation, now);
        if (_actions is { InFlight: true } || !IsDecidable(in observation, observedEpoch, now))
        {
            return false;
        }

        if (SupervisionOrNull is { } supervision && !supervision.AllowsWork(now))
        {
            supervision.Heartbeat(now); // this worker's circuit is open: it does not decide until its probe
            return false;
        }

        long inputs = _record.InputsKeyOf(observation.Version); // the observation decided on, the desired state before the snapshot reads it
        if (!TryDecide(in observation, children, now, out Next next))
        {
            return false;
        }

        Dispatch(in next, now);
        return QuietIfUnchanging(in next, inputs);
    }

    /// <summary>
    /// Gate: the worker's last decision was a stay in a state that reads no time (the generator's
    /// <see cref="WorkerDefinition.ReadsTime(int)"/>), and nothing it was decided on has changed — the observation
    /// (value, error and time), the desired state, the shutdown and stop requests — and nothing else needs a look
    /// (no <see cref="Rare"/>: no children, faults, circuit, hold or operator request), and the observation is not
    /// stale yet: a pure state would decide the same stay, so it is repeated without building a snapshot. The
    /// recorder counts it like any other stay.
    /// </summary>
    private bool StaysQuiet(DateTimeOffset now) =>
        _quiet.Inputs == _record.InputsKey && NeedsNoLook && !_removed
        && !IsOlderThanStaleAfter(_record.CollectedAtTicks, now)
        && (!_recording || _tail.TryCoalesce(_state, _reason, _reason, now.UtcTicks));

    // After a decision: a stay in a state that reads no time may be repeated until its inputs change. A top-level
    // worker is parked by its supervisor (returns true); a child keeps the key of its inputs (StaysQuiet).
    private bool QuietIfUnchanging(in Next next, long inputs)
    {
        if (next.Kind != NextKind.Stay || !_context.Options.SkipUnchangedStays || !NeedsNoLook || _stale || Definition.ReadsTime(_state))
        {
            return false;
        }

        if (OwnParks is not null)
        {
            return true;
        }

        _quiet.Inputs = inputs;
        return false;
    }

    // Nothing but the snapshot's inputs could change this worker's decision: no Rare (children, faults, circuit, hold,
    // operator request), no shutdown or stop request. Checked when a stay becomes quiet and on every quiet tick (the
    // requests and Rare come from other threads).
    private bool NeedsNoLook => _rare is null && !_shutdownRequested && !StopRequested;

    /// <summary>Gate: a restarted instance waits until the cancelled action of the one it replaces has ended.</summary>
    private bool IsHeld()
    {
        if (_rare?.Hold is not { } hold)
        {
            return false;
        }

        if (!hold.IsCompleted)
        {
            return true;
        }

        _rare.Hold = null;
        return false;
    }

    /// <summary>Gate: an operator asked a top-level worker to restart.</summary>
    private void RestartIfRequested()
    {
        if (_rare is { } rare && Volatile.Read(ref rare.RestartRequest) is not null && Interlocked.Exchange(ref rare.RestartRequest, null) is { } reason)
        {
            Restart(reason); // logged (OperatorRestart) when asked, by Supervisor.RestartWorker
        }
    }

    /// <summary>Gate: a collector exception is a fault of this worker, counted once per observation, action in flight or not.</summary>
    private void RecordCollectorFault(in ObservationReading<TObserved> observation, DateTimeOffset now)
    {
        if (observation.Error is { } collectError && collectError is not CollectTimeoutException && observation.Version != RareState().FaultedObservation)
        {
            _rare!.FaultedObservation = observation.Version;
            Supervision.Fault(collectError, "collector", now);
        }
    }

    /// <summary>Gate: there is an observation, collected after the last action ended, and it is fresh.</summary>
    private bool IsDecidable(in ObservationReading<TObserved> observation, long observedEpoch, DateTimeOffset now)
    {
        if (!observation.HasValue)
        {
            if (_shutdownRequested)
            {
                // Never observed, so it never decided or acted: nothing to wind down.
                MarkRemoved("shutdown requested before the first observation");
            }

            return false;
        }

        if (observedEpoch < Epoch)
        {
            return false; // Waiting for an observation collected after the last action completed.
        }

        if (IsStale(in observation, now))
        {
            if (!_stale)
            {
                _stale = true;
                Log.ObservationStale(_context.Logger, Identity.Id, Identity.WorkerType, (now - observation.CollectedAt).TotalMilliseconds, _context.Options.StaleAfter.TotalMilliseconds);
                _context.Metrics.Stale(Identity.WorkerType);
            }

            return false;
        }

        if (_stale)
        {
            _stale = false;
            Log.ObservationFresh(_context.Logger, Identity.Id, Identity.WorkerType);
        }

        return true;
    }

    /// <summary>Evaluates the current state on a snapshot; a state that throws is a fault of this worker.</summary>
    private bool TryDecide(in ObservationReading<TObserved> observation, ChildrenView children, DateTimeOffset now, out Next next)
    {
        var snapshot = new Snapshot<TDesired, TObserved>(
            _record.Identity, _record.Desired, observation.Value, observation.CollectedAt, now, _shutdownRequested, observation.Error, _actions?.Results)
        {
            StopRequested = StopRequested,
            Children = children,
        };

        try
        {
            next = _machine.Decide(_state, in snapshot);
        }
        catch (Exception ex)
        {
            Log.DecideFailed(_context.Logger, ex, Identity.Id, Identity.WorkerType, Definition.GetStateName(_state));
            Supervision.Fault(ex, $"state {Definition.GetStateName(_state)}", now);
            next = default;
            return false;
        }

        SupervisionOrNull?.Decided();
        if (!_recording)
        {
            _reason = next.Reason;
            return true;
        }

        if (_tail.IsWriting)
        {
            _context.Recorder.Journal.Flush(); // a second decision in one tick (a restart): its first write is made first
        }

        if (next.Kind != NextKind.Stay || !_tail.TryCoalesce(_state, _reason, next.Reason, now.UtcTicks))
        {
            RecordNew(in next, in snapshot, observation.Version); // sets _reason; a coalesced stay's is the same
        }

        return true;
    }

    /// <summary>
    /// Records a decision that did not coalesce as the newest entry, under the tail's sequence lock. A stay is kept in
    /// the tail while it fits (no other object is touched); any other decision, and the kept stay it follows, go to
    /// the ring (opened here the first time): queued in the recorder's <see cref="DecisionJournal"/>, which makes the
    /// ring writes of the whole tick at its end and then ends this write. A captured worker type writes at once.
    /// </summary>
    private void RecordNew(in Next next, in Snapshot<TDesired, TObserved> snapshot, long observationVersion)
    {
        ref DecisionTail tail = ref _tail;
        long at = snapshot.Now.UtcTicks, age = snapshot.ObservationAge.Ticks, desired = _record.DesiredVersion;
        bool keep = next.Kind == NextKind.Stay && !_captures && DecisionTail.Fits(observationVersion, age, desired);
        if (_captures)
        {
            RecordCaptured(in next, in snapshot, DecisionEntry.Of(in next, _state, at, observationVersion, age, desired));
        }
        else if (keep && !tail.IsKept && !(tail.Stay > 0 && tail.Count > 1))
        {
            int sequence = tail.BeginWrite(); // the slot only: the newest entry ends as it is in the ring
            tail.Keep(_state, at, observationVersion, age, desired);
            _reason = next.Reason;
            tail.EndWrite(sequence);
        }
        else
        {
            QueueRingWrite(in next, keep, at, observationVersion, age, desired);
        }
    }

    // A decision that changes the ring: the tail now, the ring at the end of the tick (the write stays open until then).
    private void QueueRingWrite(in Next next, bool keep, long at, long observationVersion, long age, long desired)
    {
        ref DecisionTail tail = ref _tail;
        DecisionJournal journal = _context.Recorder.Journal;
        WorkerDecisions<TDesired, TObserved> ring = _ring ?? OpenRing();
        tail.BeginWrite();
        ref DecisionWrite write = ref journal.Add(ring, this);
        if (tail.IsKept)
        {
            (write.Moved, write.HasMoved) = (tail.KeptEntry(_reason), true);
            tail.Moved();
        }
        else if (tail.Stay > 0 && tail.Count > 1)
        {
            (write.Close, write.CloseCount, write.CloseLastAt) = (true, tail.Count, tail.LastAt); // only a stay in the ring has coalesced
        }

        if (keep)
        {
            tail.Keep(_state, at, observationVersion, age, desired);
        }
        else
        {
            (write.Entry, write.HasEntry) = (DecisionEntry.Of(in next, _state, at, observationVersion, age, desired), true);
            tail.Start(_state, next.Kind, at);
        }

        _reason = next.Reason;
    }

    // A worker type whose snapshots the recorder keeps: every entry goes to the ring with its capture, written at once.
    private void RecordCaptured(in Next next, in Snapshot<TDesired, TObserved> snapshot, in DecisionEntry entry)
    {
        ref DecisionTail tail = ref _tail;
        WorkerDecisions<TDesired, TObserved> ring = _ring!; // opened with the slot (FlightRecorder.Continue)
        CapturedSnapshot? captured = ring.Capture(in snapshot);
        ring.EnsureItems();
        int sequence = tail.BeginWrite();
        EndNewest(ref tail, ring);
        ring.Append(in entry, captured);
        tail.Start(_state, next.Kind, entry.At);
        _reason = next.Reason;
        tail.EndWrite(sequence);
    }

    // The newest entry ends: a kept stay moves into the ring, a coalesced stay in the ring takes its count and time
    // (so a first stay after a transition touches nothing but the slot); inside a write.
    private void EndNewest(ref DecisionTail tail, DecisionRing? ring)
    {
        if (tail.IsKept)
        {
            DecisionEntry kept = tail.KeptEntry(_reason);
            ring!.Append(in kept, captured: null);
            tail.Moved();
        }
        else if (tail.Stay > 0 && tail.Count > 1)
        {
            ring!.Close(ref tail); // only a stay in the ring has coalesced: any other entry's count is 1, as appended
        }
    }

    private WorkerDecisions<TDesired, TObserved> OpenRing()
    {
        WorkerDecisions<TDesired, TObserved> ring = _context.Recorder.Open<TDesired, TObserved>(this, _record, _record.Identity, Definition, _context.Logger);
        Volatile.Write(ref _ring, ring);
        return ring;
    }

    // When this instance stops: its recording moves into a ring, so it outlives the slot (RemovedWorkersKept) and a
    // new instance of its id can continue it.
    private void SealRecording()
    {
        if (!_recording)
        {
            return;
        }

        WorkerDecisions<TDesired, TObserved> ring = _ring ?? OpenRing();
        ref DecisionTail tail = ref _tail;
        if (tail.IsWriting)
        {
            _context.Recorder.Journal.FlushOnTickThread(); // stopped in the tick it decided in (a child)
        }

        if (tail.IsKept && !tail.IsWriting)
        {
            ring.EnsureItems();
            int sequence = tail.BeginWrite();
            EndNewest(ref tail, ring);
            tail.EndWrite(sequence);
        }
    }

    ref DecisionTail IDecisionWriter.Tail => ref _tail;

    DecisionRing? IDecisionWriter.Ring => Volatile.Read(ref _ring);

    string IDecisionWriter.NewestReason => _reason;

    WorkerDefinition IDecisionWriter.Definition => Definition;

    void IDecisionWriter.FlushPendingWrite() => _context.Recorder.Journal.FlushOnTickThread();

    int IDecisionWriter.ParkedStays(out long lastAtUtcTicks)
    {
        lastAtUtcTicks = 0;
        int parkedAt = OwnParks is null || _removed ? 0 : Volatile.Read(ref _quiet.ParkedAt); // stopped: no more stays
        return parkedAt != 0 && _context.Parks!.TryReadLastTick(out int last, out lastAtUtcTicks) ? ParkSet.TicksBetween(parkedAt, last) : 0;
    }

    private void Dispatch(in Next next, DateTimeOffset now)
    {
        switch (next.Kind)
        {
            case NextKind.Goto:
                Transition(next, now);
                break;
            case NextKind.Do:
                StartAction(next, now);
                break;
            case NextKind.Signal when next.Signal == Signal.Remove:
                Leave(next.Reason, now);
                break;
            case NextKind.Signal when next.Signal == Signal.Restart:
                Restart(next.Reason);
                break;
        }
    }

    // Children leave before their parent.
    private void Leave(string reason, DateTimeOffset now)
    {
        if (ChildrenOrNull is not { Count: > 0 } children)
        {
            MarkRemoved(reason);
            return;
        }

        children.RequestShutdown(now);
        if (!RareState().WaitingForChildren)
        {
            _rare!.WaitingForChildren = true;
            Log.WaitingForChildren(_context.Logger, Identity.Id, Identity.WorkerType, children.Count);
        }
    }

    /// <summary>
    /// Gate: reconciles, maps, ticks and judges the children, and counts them for this worker's snapshot. Returns
    /// <see langword="false"/> while the infrastructure circuit is not closed: the parent does not decide.
    /// </summary>
    private bool SuperviseChildren(DateTimeOffset now, out ChildrenView view)
    {
        view = default;
        if (!IsParentType || Children() is not { } children)
        {
            return true;
        }

        // While the infrastructure circuit is open: no reconcile (derive) and no decisions; children still run.
        CircuitBreaker infrastructure = Supervision.InfrastructureBreaker();
        bool allows = infrastructure.AllowsWork(now);
        if (allows)
        {
            children.Reconcile((_record.Desired as IHasChildren)?.Children, _record.DesiredVersion, now, _shutdownRequested);
        }

        if (_shutdownRequested)
        {
            children.RequestShutdown(now);
        }

        children.Tick(now, MapsChildrenStopped());
        bool ok = _shutdownRequested || Judge(children, infrastructure, probing: allows && infrastructure.State == CircuitState.HalfOpen, now);
        view = children.View(now);
        return ok;
    }

    // The children of this worker, created when its desired state first lists some.
    private ChildTree? Children()
    {
        if (ChildrenOrNull is { } children)
        {
            return children;
        }

        if ((_record.Desired as IHasChildren)?.Children is not { Count: > 0 })
        {
            return null;
        }

        children = new ChildTree(_context, Identity, () => Variables ?? (_record.Desired as IHasVariables)?.Variables ?? VariableBundle.Empty);
        RareState().Children = children; // volatile: status readers on other threads see it whole
        return children;
    }

    // State mapping: a parent that is stopped, stopping, asked to stop or leaving wants its children stopped.
    private bool MapsChildrenStopped() =>
        _shutdownRequested || StopRequested || Definition.GetPhase(_state) is LifecyclePhase.Stopped or LifecyclePhase.Stopping;

    /// <summary>The infrastructure verdict on the children, then the restarts it calls for.</summary>
    private bool Judge(ChildTree children, CircuitBreaker infrastructure, bool probing, DateTimeOffset now)
    {
        HealthResult health = children.CheckHealth(_context.HealthChecker, now);
        if (!health.IsHealthy && (infrastructure.State == CircuitState.Closed || probing))
        {
            string what = health.ChildId is { } child ? $"child {child}" : $"sanity check {health.CheckName}";
            infrastructure.RecordFailure($"{what}: {health.Reason}", now);
        }
        else if (health.IsHealthy && infrastructure.State == CircuitState.HalfOpen)
        {
            infrastructure.RecordSuccess();
        }

        RestartFailedChildren(children, now);
        return infrastructure.State == CircuitState.Closed;
    }

    /// <summary>
    /// Restarts the failed children. After this parent failed itself (restart intensity exceeded), its fault
    /// circuit's probe is the next restart attempt: success closes it, another refusal reopens it for longer.
    /// </summary>
    private void RestartFailedChildren(ChildTree children, DateTimeOffset now)
    {
        WorkerSupervision supervision = Supervision;
        bool waitsForProbe = supervision.FaultState != CircuitState.Closed;
        if (!children.HasFailed || (waitsForProbe && !supervision.AllowsWork(now)))
        {
            return;
        }

        RestartStrategy strategy = (_record.Desired as IHasChildren)?.RestartStrategy ?? RestartStrategy.OneForOne;
        if (children.RestartFailed(strategy, now))
        {
            if (waitsForProbe)
            {
                supervision.Faults.RecordSuccess();
            }

            return;
        }

        supervision.FailItself("the restart intensity of its children was exceeded", isRoot: !_isChild, now);
    }

    public override bool IsIsolated => SupervisionOrNull?.IsIsolated ?? false;

    public override CircuitState FaultCircuit => SupervisionOrNull?.FaultState ?? CircuitState.Closed;

    public override LifecyclePhase Phase => Definition.GetPhase(_state);

    public override string StateName => Definition.GetStateName(_state);

    public override Task ActionDone => _actions?.Completion ?? Task.CompletedTask;

    public override void HoldUntil(Task previous)
    {
        if (!previous.IsCompleted)
        {
            RareState().Hold = previous;
        }
        else if (_rare is { } rare)
        {
            rare.Hold = null;
        }
    }

    public override bool IsStale(DateTimeOffset now) => IsStale(_record.ReadObservation(), now);

    /// <summary>Observed at least once, and that observation is older than <see cref="SupervisorOptions.StaleAfter"/>.</summary>
    private bool IsStale(in ObservationReading<TObserved> observation, DateTimeOffset now) =>
        observation.HasValue && IsOlderThanStaleAfter(observation.CollectedAt.UtcTicks, now);

    // The staleness rule, for IsStale and the quiet gate: older than StaleAfter at now.
    private bool IsOlderThanStaleAfter(long collectedAtUtcTicks, DateTimeOffset now) =>
        now.UtcTicks - collectedAtUtcTicks > _context.Options.StaleAfter.Ticks;

    public override void RecordFault(Exception error, string where, DateTimeOffset now) => Supervision.Fault(error, where, now);

    public override int DescendantCount => ChildrenOrNull?.DescendantCount ?? 0;

    public override int OpenCircuitCount => (SupervisionOrNull is { Circuit: not CircuitState.Closed } ? 1 : 0) + (ChildrenOrNull?.OpenCircuitCount ?? 0);

    internal override ChildCondition Health(DateTimeOffset now)
    {
        ObservationReading<TObserved> observation = _record.ReadObservation();
        LifecyclePhase phase = Definition.GetPhase(_state);
        if (phase == LifecyclePhase.Stopped)
        {
            return ChildCondition.Stopped;
        }

        if (phase == LifecyclePhase.RunningDegraded || !observation.HasValue || IsStale(in observation, now) || observation.Error is not null)
        {
            return ChildCondition.Unhealthy;
        }

        return phase == LifecyclePhase.RunningHealthy ? ChildCondition.Healthy : ChildCondition.Transitioning;
    }

    internal override void AppendDescendants(List<WorkerStatus> into, DateTimeOffset now) => ChildrenOrNull?.AppendStatus(into, now);

    internal override ChildLifecycle? FindChild(string id) => ChildrenOrNull?.Find(id);

    private void Transition(in Next next, DateTimeOffset now)
    {
        int from = _state;
        int to = next.State;
        if (!Definition.IsDeclared(from, to))
        {
            Refuse(from, to, next.Reason);
            return;
        }

        if (_rare is { } refusals)
        {
            refusals.LastRefused = -1;
        }

        _state = to;
        _record.SetState(Definition.GetStateName(to), now);
        _transitionCounts[to]++; // one writer: the tick (ObservedInstruments)
        Log.Transition(_context.Logger, Identity.Id, Identity.WorkerType, Definition.GetStateName(from), Definition.GetStateName(to), next.Reason);
    }

    // An undeclared or invalid target: staying, logged once per (from, to) until a transition goes through.
    private void Refuse(int from, int to, string reason)
    {
        long refused = ((long)from << 32) | (uint)to;
        if (refused == RareState().LastRefused)
        {
            return;
        }

        _rare!.LastRefused = refused;
        if ((uint)to < (uint)Definition.StateCount)
        {
            Log.UndeclaredTransition(_context.Logger, Identity.Id, Identity.WorkerType, Definition.GetStateName(from), Definition.GetStateName(to), reason);
        }
        else
        {
            Log.InvalidDecision(_context.Logger, Identity.Id, Identity.WorkerType, Definition.GetStateName(from), NextKind.Goto, to);
        }
    }

    private void StartAction(in Next next, DateTimeOffset now)
    {
        if ((uint)next.Action >= (uint)Definition.ActionCount)
        {
            Log.InvalidDecision(_context.Logger, Identity.Id, Identity.WorkerType, Definition.GetStateName(_state), NextKind.Do, next.Action);
            return;
        }

        string action = Definition.GetActionName(next.Action);
        ActionRunner<TDesired, TObserved> actions = _actions ?? CreateActions();
        if (actions.Retry is { } retry && retry.Holds(action, actions.LastResult, now))
        {
            if (retry.RetryAt != retry.Logged)
            {
                retry.Logged = retry.RetryAt;
                Log.ActionRetryHeld(_context.Logger, Identity.Id, Identity.WorkerType, action, retry.Failures, (retry.RetryAt - now).TotalMilliseconds);
            }

            return;
        }

        if (actions.TryStart(next.Action, _record.Desired) == EnqueueResult.QueueFull)
        {
            Log.ActionQueueFull(_context.Logger, Identity.Id, Identity.WorkerType, action);
            return;
        }

        _context.Metrics.ActionQueued(Identity.WorkerType, action);
        Log.ActionStarted(_context.Logger, Identity.Id, Identity.WorkerType, action, Definition.GetStateName(_state), next.Reason);
    }

    private void MarkRemoved(string reason)
    {
        _removed = true;
        Log.WorkerRemoved(_context.Logger, Identity.Id, Identity.WorkerType, Definition.GetStateName(_state), reason);
    }

    private void Restart(string reason)
    {
        int restarts = Ledger().Record(_context.Time.GetUtcNow(), reason, null);
        _context.Metrics.Restarted(Identity.WorkerType);
        using Activity? span = FsmV2Telemetry.ActivitySource.HasListeners() ? FsmV2Telemetry.ActivitySource.StartActivity("FsmV2.Restart") : null;
        span?.SetTag("fsmv2.worker.id", Identity.Id).SetTag("fsmv2.worker.type", Identity.WorkerType).SetTag("fsmv2.state", Definition.GetStateName(_state)).SetTag("fsmv2.reason", reason);
        Log.WorkerRestarted(_context.Logger, Identity.Id, Identity.WorkerType, Definition.GetStateName(_state), restarts, reason);
        _state = Definition.InitialState;
        _record.SetState(Definition.GetStateName(_state), _context.Time.GetUtcNow());
        if (_rare is { } refusals)
        {
            refusals.LastRefused = -1;
        }

        NextEpoch(); // decide again only on an observation collected after the restart
        TriggerNow(inline: false);
    }

    public IReadOnlyList<ActionResult> RecentActions => _actions?.History ?? NoActions;

    // The action slot and retry gate, on the first action (the tick's thread).
    private ActionRunner<TDesired, TObserved> CreateActions()
    {
        ActionRetryGate? retry = _context.ActionRetry is { } backoff ? new ActionRetryGate(backoff, _context.Options.Random ?? Random.Shared) : null;
        return _actions = new ActionRunner<TDesired, TObserved>(_machine, _record.Identity, _context, this) { Retry = retry };
    }

    void IActionHost.OnActionEnding() => NextEpoch();

    void IActionHost.OnActionEnded()
    {
        _record.History.ActionEnded(_actions!.Results);
        TriggerNow(inline: true);
    }

    public override async Task StopAsync()
    {
        _removed = true;
        SealRecording();
        _actions?.CancelCurrent();
        StopCollecting();
        if (ChildrenOrNull is { } children)
        {
            await children.StopAllAsync().ConfigureAwait(false);
        }

        await ActionDone.ConfigureAwait(false); // bounded: an action that ignores cancellation is abandoned at 3x its timeout
        _actions?.Dispose();
        Dispose();
        _ring?.Retire(_record);
    }

    public override WorkerStatus GetStatus(DateTimeOffset now)
    {
        ObservationReading<TObserved> observation = _record.ReadObservation();
        int state = _state;
        return new WorkerStatus(
            Identity.Id,
            Identity.WorkerType,
            Definition.GetStateName(state),
            Definition.GetPhase(state),
            _reason,
            _actions?.CurrentAction,
            _actions?.LastResult,
            observation.HasValue ? observation.CollectedAt : null,
            IsStale(in observation, now),
            observation.Error,
            _shutdownRequested,
            _ledger?.Count ?? 0,
            SupervisionOrNull?.FaultCount ?? 0,
            SupervisionOrNull?.LastFault,
            SupervisionOrNull?.Circuit ?? CircuitState.Closed,
            DescendantCount,
            _actions?.Retry?.HeldUntil(now))
        {
            FaultCircuit = SupervisionOrNull?.FaultState ?? CircuitState.Closed,
            InfrastructureCircuit = SupervisionOrNull?.InfrastructureState ?? CircuitState.Closed,
            RestartHistory = _isChild || _ledger is null ? [] : _ledger.History,
        };
    }

    /// <summary>
    /// The slot's fields an idle worker does not need, together, created once on first need: a worker that was held,
    /// restarted, refused or faulted, a parent, a worker with circuits. An idle worker's tick reads only
    /// <see cref="_rare"/> (null) for all of them; so does a worker that only records (its ring is <see cref="_ring"/>).
    /// </summary>
    private sealed class Rare
    {
#pragma warning disable SA1401, CA1051 // Plain fields: written with Volatile and Interlocked by the slot.
        public volatile WorkerSupervision? Supervision; // created once (Interlocked), from any thread
        public volatile ChildTree? Children; // the tick's, when the desired state first lists children; read by status
        public string? RestartRequest; // an operator's, from any thread; taken by the tick
        public Task? Hold;
        public bool WaitingForChildren;
        public long LastRefused = -1;
        public long FaultedObservation = -1;
#pragma warning restore SA1401, CA1051
    }
}
