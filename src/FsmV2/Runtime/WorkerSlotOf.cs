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
internal sealed class WorkerSlot<TDesired, TObserved> : WorkerSlot, IActionHost, IDisposable
{
    // Whether this worker type's desired state can list children: decided once per closed generic type (a type
    // that is not sealed may have a subtype that does).
    private static readonly bool IsParentType = typeof(IHasChildren).IsAssignableFrom(typeof(TDesired)) || !typeof(TDesired).IsSealed;

    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly SupervisorContext _context;
    private readonly WorkerDefinition _definition;
    private readonly WorkerRecord<TDesired, TObserved> _record;
    private readonly CollectorLoop<TDesired, TObserved> _collector;
    private readonly ActionRunner<TDesired, TObserved> _actions;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly long[] _transitionCounts;
    private readonly ActionRetryGate? _retry;
    private readonly WorkerSupervision _supervision;
    private readonly RestartLedger _ledger;
    private readonly bool _isChild;
    private readonly WorkerDecisions<TDesired, TObserved> _decisions;
    private DateTimeOffset _retryLogged;

    private volatile int _state;
    private volatile string _reason = "added";
    private long _epoch;
    private volatile bool _shutdownRequested;
    private volatile bool _removed;
    private bool _stale;
    private long _lastRefused = -1;
    private volatile ChildTree? _children;
    private long _faultedObservation = -1;
    private Task? _hold;
    private bool _waitingForChildren;
    private volatile string? _restartRequest;

    public WorkerSlot(IWorkerMachine<TDesired, TObserved> machine, WorkerRecord<TDesired, TObserved> record, SupervisorContext context, RestartLedger? ledger = null, bool isChild = false)
    {
        _machine = machine;
        _definition = machine.Definition;
        _record = record;
        _context = context;
        _options = context.Options;
        _logger = context.Logger;
        _ledger = ledger ?? new RestartLedger();
        _isChild = isChild;
        _transitionCounts = context.Metrics.TransitionCounts(_definition);
        _retry = context.ActionRetry is { } backoff ? new ActionRetryGate(backoff, _options.Random ?? Random.Shared) : null;
        _actions = new ActionRunner<TDesired, TObserved>(machine, record.Identity, context, this);
        _state = Resume(record, _ledger, context);
        _decisions = context.Recorder.Open<TDesired, TObserved>(record.Identity, _definition, _logger);
        _supervision = new WorkerSupervision(record.Identity, context);
        _collector = new CollectorLoop<TDesired, TObserved>(machine, record, () => Volatile.Read(ref _epoch), context);
    }

    /// <summary>
    /// The state this instance starts in: the persisted one (by name) when the store kept this id, with its restart
    /// count and history; else the initial state. A persisted state the type no longer has resumes in the initial one.
    /// </summary>
    private int Resume(WorkerRecord<TDesired, TObserved> record, RestartLedger ledger, SupervisorContext context)
    {
        record.Attach(ledger);
        int state = _definition.InitialState;
        WorkerIdentity who = record.Identity;
        if (context.Store is IPersistentWorkerStore store && store.TryTakeResume(who.Id, who.WorkerType, out PersistedWorker? persisted))
        {
            ledger.Restore(persisted.RestartCount, persisted.RestartHistory);
            int found = _definition.FindState(persisted.StateName);
            if (found >= 0)
            {
                state = found;
                Log.WorkerResumed(context.Logger, who.Id, who.WorkerType, persisted.StateName, persisted.RestartCount);
            }
            else
            {
                Log.ResumedStateMissing(context.Logger, who.Id, who.WorkerType, persisted.StateName, _definition.GetStateName(state));
            }
        }

        record.SetState(_definition.GetStateName(state), context.Time.GetUtcNow());
        return state;
    }

    public override WorkerIdentity Identity => _record.Identity;

    public override bool IsRemoved => _removed;

    public WorkerRecord<TDesired, TObserved> Record => _record;

    public IWorkerMachine<TDesired, TObserved> Machine => _machine;

    public override WorkerSupervision Supervision => _supervision;

    public override void Start() => _collector.Start();

    public override void RequestShutdown(bool cancelAction)
    {
        if (!_shutdownRequested)
        {
            _shutdownRequested = true;
            Log.RemovalRequested(_logger, Identity.Id, Identity.WorkerType);
        }

        if (cancelAction)
        {
            _actions.CancelCurrent();
        }
    }

    public override void RequestRestart(string reason) => _restartRequest = reason;

    public override void Tick(DateTimeOffset now)
    {
        if (_removed || IsHeld())
        {
            return;
        }

        RestartIfRequested();
        if (!SuperviseChildren(now, out ChildrenView children))
        {
            _supervision.Heartbeat(now); // the subtree's infrastructure is failing: no decisions or actions
            return;
        }

        long observedEpoch = _collector.ObservedEpoch; // before the observation it describes
        Observation<TObserved> observation = _record.Observation;
        RecordCollectorFault(observation, now);
        if (_actions.InFlight || !IsDecidable(observation, observedEpoch, now))
        {
            return;
        }

        if (!_supervision.Faults.AllowsWork(now))
        {
            _supervision.Heartbeat(now); // this worker's circuit is open: it does not decide until its probe
            return;
        }

        if (TryDecide(observation, children, now, out Next next))
        {
            Dispatch(in next, now);
        }
    }

    /// <summary>Gate: a restarted instance waits until the cancelled action of the one it replaces has ended.</summary>
    private bool IsHeld()
    {
        if (_hold is null)
        {
            return false;
        }

        if (!_hold.IsCompleted)
        {
            return true;
        }

        _hold = null;
        return false;
    }

    /// <summary>Gate: an operator asked a top-level worker to restart.</summary>
    private void RestartIfRequested()
    {
        if (_restartRequest is not null && Interlocked.Exchange(ref _restartRequest, null) is { } reason)
        {
            Restart(reason); // logged (OperatorRestart) when asked, by Supervisor.RestartWorker
        }
    }

    /// <summary>Gate: a collector exception is a fault of this worker, counted once per observation, action in flight or not.</summary>
    private void RecordCollectorFault(Observation<TObserved> observation, DateTimeOffset now)
    {
        if (observation.Error is { } collectError && observation.Version != _faultedObservation && collectError is not CollectTimeoutException)
        {
            _faultedObservation = observation.Version;
            _supervision.Fault(collectError, "collector", now);
        }
    }

    /// <summary>Gate: there is an observation, collected after the last action ended, and it is fresh.</summary>
    private bool IsDecidable(Observation<TObserved> observation, long observedEpoch, DateTimeOffset now)
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

        if (observedEpoch < Volatile.Read(ref _epoch))
        {
            return false; // Waiting for an observation collected after the last action completed.
        }

        if (IsStale(observation, now))
        {
            if (!_stale)
            {
                _stale = true;
                Log.ObservationStale(_logger, Identity.Id, Identity.WorkerType, (now - observation.CollectedAt).TotalMilliseconds, _options.StaleAfter.TotalMilliseconds);
                _context.Metrics.Stale(Identity.WorkerType);
            }

            return false;
        }

        if (_stale)
        {
            _stale = false;
            Log.ObservationFresh(_logger, Identity.Id, Identity.WorkerType);
        }

        return true;
    }

    /// <summary>Evaluates the current state on a snapshot; a state that throws is a fault of this worker.</summary>
    private bool TryDecide(Observation<TObserved> observation, ChildrenView children, DateTimeOffset now, out Next next)
    {
        var snapshot = new Snapshot<TDesired, TObserved>(
            _record.Identity, _record.Desired, observation.Value, observation.CollectedAt, now, _shutdownRequested, observation.Error, _actions.History)
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
            Log.DecideFailed(_logger, ex, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state));
            _supervision.Fault(ex, $"state {_definition.GetStateName(_state)}", now);
            next = default;
            return false;
        }

        _supervision.Decided();
        _decisions.Record(_state, in next, in snapshot, observation.Version, _record.DesiredVersion);
        _reason = next.Reason;
        return true;
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
        if (_children is not { Count: > 0 } children)
        {
            MarkRemoved(reason);
            return;
        }

        children.RequestShutdown(now);
        if (!_waitingForChildren)
        {
            _waitingForChildren = true;
            Log.WaitingForChildren(_logger, Identity.Id, Identity.WorkerType, children.Count);
        }
    }

    /// <summary>
    /// Gate: reconciles, maps, ticks and judges the children, and counts them for this worker's snapshot. Returns
    /// <see langword="false"/> while the infrastructure circuit is not closed: the parent does not decide.
    /// </summary>
    private bool SuperviseChildren(DateTimeOffset now, out ChildrenView view)
    {
        view = default;
        if ((!IsParentType && _children is null) || Children() is not { } children)
        {
            return true;
        }

        // While the infrastructure circuit is open: no reconcile (derive) and no decisions; children still run.
        CircuitBreaker infrastructure = _supervision.InfrastructureBreaker();
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
        if (_children is null && (_record.Desired as IHasChildren)?.Children is { Count: > 0 })
        {
            _children = new ChildTree(_context, Identity, () => Variables ?? (_record.Desired as IHasVariables)?.Variables ?? VariableBundle.Empty);
        }

        return _children;
    }

    // State mapping: a parent that is stopped, stopping, asked to stop or leaving wants its children stopped.
    private bool MapsChildrenStopped() =>
        _shutdownRequested || StopRequested || _definition.GetPhase(_state) is LifecyclePhase.Stopped or LifecyclePhase.Stopping;

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
        CircuitBreaker faults = _supervision.Faults;
        bool waitsForProbe = faults.State != CircuitState.Closed;
        if (!children.HasFailed || (waitsForProbe && !faults.AllowsWork(now)))
        {
            return;
        }

        RestartStrategy strategy = (_record.Desired as IHasChildren)?.RestartStrategy ?? RestartStrategy.OneForOne;
        if (children.RestartFailed(strategy, now))
        {
            if (waitsForProbe)
            {
                faults.RecordSuccess();
            }

            return;
        }

        _supervision.FailItself("the restart intensity of its children was exceeded", isRoot: !_isChild, now);
    }

    public override CircuitState FaultCircuit => _supervision.Faults.State;

    public override LifecyclePhase Phase => _definition.GetPhase(_state);

    public override string StateName => _definition.GetStateName(_state);

    public override Task ActionDone => _actions.Completion;

    public override void HoldUntil(Task previous) => _hold = previous.IsCompleted ? null : previous;

    public override bool IsStale(DateTimeOffset now) => IsStale(_record.Observation, now);

    /// <summary>Observed at least once, and that observation is older than <see cref="SupervisorOptions.StaleAfter"/>.</summary>
    private bool IsStale(Observation<TObserved> observation, DateTimeOffset now) =>
        observation.HasValue && now - observation.CollectedAt > _options.StaleAfter;

    public override void RecordFault(Exception error, string where, DateTimeOffset now) => _supervision.Fault(error, where, now);

    public override int DescendantCount => _children?.DescendantCount ?? 0;

    public override int OpenCircuitCount => (_supervision.Circuit != CircuitState.Closed ? 1 : 0) + (_children?.OpenCircuitCount ?? 0);

    internal override ChildCondition Health(DateTimeOffset now)
    {
        Observation<TObserved> observation = _record.Observation;
        LifecyclePhase phase = _definition.GetPhase(_state);
        if (phase == LifecyclePhase.Stopped)
        {
            return ChildCondition.Stopped;
        }

        if (phase == LifecyclePhase.RunningDegraded || !observation.HasValue || IsStale(observation, now) || observation.Error is not null)
        {
            return ChildCondition.Unhealthy;
        }

        return phase == LifecyclePhase.RunningHealthy ? ChildCondition.Healthy : ChildCondition.Transitioning;
    }

    internal override void AppendDescendants(List<WorkerStatus> into, DateTimeOffset now) => _children?.AppendStatus(into, now);

    internal override ChildLifecycle? FindChild(string id) => _children?.Find(id);

    private void Transition(in Next next, DateTimeOffset now)
    {
        int from = _state;
        int to = next.State;
        if (!_definition.IsDeclared(from, to))
        {
            Refuse(from, to, next.Reason);
            return;
        }

        _lastRefused = -1;
        _state = to;
        _record.SetState(_definition.GetStateName(to), now);
        _transitionCounts[to]++; // one writer: the tick (ObservedInstruments)
        Log.Transition(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), _definition.GetStateName(to), next.Reason);
    }

    // An undeclared or invalid target: staying, logged once per (from, to) until a transition goes through.
    private void Refuse(int from, int to, string reason)
    {
        long refused = ((long)from << 32) | (uint)to;
        if (refused == _lastRefused)
        {
            return;
        }

        _lastRefused = refused;
        if ((uint)to < (uint)_definition.StateCount)
        {
            Log.UndeclaredTransition(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), _definition.GetStateName(to), reason);
        }
        else
        {
            Log.InvalidDecision(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), NextKind.Goto, to);
        }
    }

    private void StartAction(in Next next, DateTimeOffset now)
    {
        if ((uint)next.Action >= (uint)_definition.ActionCount)
        {
            Log.InvalidDecision(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), NextKind.Do, next.Action);
            return;
        }

        string action = _definition.GetActionName(next.Action);
        if (_retry is not null && _retry.Holds(action, _actions.LastResult, now))
        {
            if (_retry.RetryAt != _retryLogged)
            {
                _retryLogged = _retry.RetryAt;
                Log.ActionRetryHeld(_logger, Identity.Id, Identity.WorkerType, action, _retry.Failures, (_retry.RetryAt - now).TotalMilliseconds);
            }

            return;
        }

        if (_actions.TryStart(next.Action, _record.Desired) == EnqueueResult.QueueFull)
        {
            Log.ActionQueueFull(_logger, Identity.Id, Identity.WorkerType, action);
            return;
        }

        _context.Metrics.ActionQueued(Identity.WorkerType, action);
        Log.ActionStarted(_logger, Identity.Id, Identity.WorkerType, action, _definition.GetStateName(_state), next.Reason);
    }

    private void MarkRemoved(string reason)
    {
        _removed = true;
        Log.WorkerRemoved(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), reason);
    }

    private void Restart(string reason)
    {
        int restarts = _ledger.Record(_context.Time.GetUtcNow(), reason, null);
        _context.Metrics.Restarted(Identity.WorkerType);
        using Activity? span = FsmV2Telemetry.ActivitySource.HasListeners() ? FsmV2Telemetry.ActivitySource.StartActivity("FsmV2.Restart") : null;
        span?.SetTag("fsmv2.worker.id", Identity.Id).SetTag("fsmv2.worker.type", Identity.WorkerType).SetTag("fsmv2.state", _definition.GetStateName(_state)).SetTag("fsmv2.reason", reason);
        Log.WorkerRestarted(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), restarts, reason);
        _state = _definition.InitialState;
        _record.SetState(_definition.GetStateName(_state), _context.Time.GetUtcNow());
        _lastRefused = -1;
        Interlocked.Increment(ref _epoch); // decide again only on an observation collected after the restart
        _collector.TriggerNow(inline: false);
    }

    public IReadOnlyList<ActionResult> RecentActions => _actions.History;

    void IActionHost.OnActionEnding() => Interlocked.Increment(ref _epoch);

    void IActionHost.OnActionEnded() => _collector.TriggerNow(inline: true);

    public override async Task StopAsync()
    {
        _removed = true;
        _actions.CancelCurrent();
        _collector.Stop();
        if (_children is not null)
        {
            await _children.StopAllAsync().ConfigureAwait(false);
        }

        await ActionDone.ConfigureAwait(false); // bounded: an action that ignores cancellation is abandoned at 3x its timeout
        Dispose();
    }

    public void Dispose()
    {
        _collector.Dispose();
        _decisions.Retire();
    }

    public override WorkerStatus GetStatus(DateTimeOffset now)
    {
        Observation<TObserved> observation = _record.Observation;
        int state = _state;
        return new WorkerStatus(
            Identity.Id,
            Identity.WorkerType,
            _definition.GetStateName(state),
            _definition.GetPhase(state),
            _reason,
            _actions.CurrentAction,
            _actions.LastResult,
            observation.HasValue ? observation.CollectedAt : null,
            IsStale(observation, now),
            observation.Error,
            _shutdownRequested,
            _ledger.Count,
            _supervision.FaultCount,
            _supervision.LastFault,
            _supervision.Circuit,
            DescendantCount,
            _retry?.HeldUntil(now))
        {
            FaultCircuit = _supervision.Faults.State,
            InfrastructureCircuit = _supervision.InfrastructureState,
            RestartHistory = _isChild ? [] : _ledger.History,
        };
    }
}
