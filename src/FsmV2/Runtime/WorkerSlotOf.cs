using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker under supervision: its current state, its collector, and its single action slot. The tick path
/// (<see cref="Tick"/>) reads only plain fields and the store, calls the generated <c>Decide</c>, and allocates
/// nothing unless the decision starts an action or is logged.
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
    private DateTimeOffset _retryLogged;

    private int _state;
    private string _reason = "added";
    private long _epoch;
    private volatile bool _shutdownRequested;
    private volatile bool _removed;
    private bool _stale;
    private long _lastRefused = -1;
    private int _restarts;
    private ChildTree? _children;
    private readonly WorkerSupervision _supervision;
    private long _faultedObservation = -1;
    private Task? _hold;
    private bool _waitingForChildren;

    public WorkerSlot(IWorkerMachine<TDesired, TObserved> machine, WorkerRecord<TDesired, TObserved> record, SupervisorContext context)
    {
        _machine = machine;
        _definition = machine.Definition;
        _record = record;
        _context = context;
        _options = context.Options;
        _logger = context.Logger;
        _transitionCounts = context.Metrics.TransitionCounts(_definition);
        _retry = context.ActionRetry is { } backoff ? new ActionRetryGate(backoff, _options.Random ?? Random.Shared) : null;
        _actions = new ActionRunner<TDesired, TObserved>(machine, record.Identity, context, this);
        _state = _definition.InitialState;
        _supervision = new WorkerSupervision(record.Identity, context);
        _collector = new CollectorLoop<TDesired, TObserved>(machine, record, () => Volatile.Read(ref _epoch), context);
    }

    public override WorkerIdentity Identity => _record.Identity;

    public override bool IsRemoved => _removed;

    public WorkerRecord<TDesired, TObserved> Record => _record;

    public IWorkerMachine<TDesired, TObserved> Machine => _machine;

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

    public override void Tick(DateTimeOffset now)
    {
        if (_removed)
        {
            return;
        }

        if (_hold is not null)
        {
            if (!_hold.IsCompleted)
            {
                return; // replacing an instance whose cancelled action has not ended yet
            }

            _hold = null;
        }

        bool infrastructureOk = true;
        ChildrenView children = IsParentType || _children is not null ? TickChildren(now, out infrastructureOk) : default;
        if (!infrastructureOk)
        {
            _supervision.Heartbeat(now); // the subtree's infrastructure is failing: no decisions or actions
            return;
        }

        if (_actions.InFlight)
        {
            return;
        }

        Observation<TObserved> observation = _record.Observation;
        if (observation.Error is { } collectError && observation.Version != _faultedObservation && collectError is not TimeoutException)
        {
            _faultedObservation = observation.Version; // a collector exception is a fault of this worker
            _supervision.Fault(collectError, "collector", now);
        }

        if (!observation.HasValue)
        {
            if (_shutdownRequested)
            {
                // Never observed, so it never decided or acted: nothing to wind down.
                MarkRemoved("shutdown requested before the first observation");
            }

            return;
        }

        if (observation.Epoch < Volatile.Read(ref _epoch))
        {
            return; // Waiting for an observation collected after the last action completed.
        }

        if (IsStale(observation, now))
        {
            if (!_stale)
            {
                _stale = true;
                Log.ObservationStale(_logger, Identity.Id, Identity.WorkerType, (now - observation.CollectedAt).TotalMilliseconds, _options.StaleAfter.TotalMilliseconds);
                _context.Metrics.Stale(Identity.WorkerType);
            }

            return;
        }

        if (_stale)
        {
            _stale = false;
            Log.ObservationFresh(_logger, Identity.Id, Identity.WorkerType);
        }

        if (!_supervision.Faults.AllowsWork(now))
        {
            _supervision.Heartbeat(now); // this worker's circuit is open: it does not decide until its probe
            return;
        }

        var snapshot = new Snapshot<TDesired, TObserved>(
            _record.Identity, _record.Desired, observation.Value, observation.CollectedAt, now, _shutdownRequested, observation.Error, _actions.History)
        {
            StopRequested = StopRequested,
            Children = children,
        };

        Next next;
        try
        {
            next = _machine.Decide(_state, in snapshot);
        }
        catch (Exception ex)
        {
            Log.DecideFailed(_logger, ex, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state));
            _supervision.Fault(ex, $"state {_definition.GetStateName(_state)}", now);
            return;
        }

        _supervision.Decided();

        _reason = next.Reason;
        switch (next.Kind)
        {
            case NextKind.Goto:
                Transition(next);
                break;
            case NextKind.Do:
                StartAction(next, now);
                break;
            case NextKind.Signal when next.Signal == Signal.Remove:
                if (_children is { Count: > 0 })
                {
                    // Children leave before their parent.
                    _children.RequestShutdown(now);
                    if (!_waitingForChildren)
                    {
                        _waitingForChildren = true;
                        Log.WaitingForChildren(_logger, Identity.Id, Identity.WorkerType, _children.Count);
                    }
                }
                else
                {
                    MarkRemoved(next.Reason);
                }

                break;
            case NextKind.Signal when next.Signal == Signal.Restart:
                Restart(next.Reason);
                break;
        }
    }

    /// <summary>Reconciles, maps and ticks the children, then counts them for this worker's snapshot.</summary>
    private ChildrenView TickChildren(DateTimeOffset now, out bool infrastructureOk)
    {
        infrastructureOk = true;
        var parentDesired = _record.Desired as IHasChildren;
        IReadOnlyList<ChildSpec>? wanted = parentDesired?.Children;
        if (_children is null)
        {
            if (wanted is null || wanted.Count == 0)
            {
                return default;
            }

            _children = new ChildTree(_context, Identity, () => Variables ?? (_record.Desired as IHasVariables)?.Variables ?? VariableBundle.Empty);
        }

        // Infrastructure circuit: while open, no reconcile (derive) and no decisions; when its delay has passed,
        // the failed children are restarted and checked again below, in this same tick.
        CircuitBreaker infrastructure = _supervision.InfrastructureBreaker();
        bool allows = infrastructure.AllowsWork(now);
        bool probing = allows && infrastructure.State == CircuitState.HalfOpen;
        if (probing && !_children.RestartFailed(parentDesired?.RestartStrategy ?? RestartStrategy.OneForOne, now))
        {
            // Restart intensity exceeded: this worker fails itself, so its parent (or an operator) takes over.
            infrastructure.RecordFailure("restart intensity exceeded", now);
            _supervision.Faults.Trip("restart intensity of its children exceeded");
            _context.Metrics.Escalated(Identity.WorkerType, ErrorScope.Infrastructure);
            allows = false;
        }

        if (allows)
        {
            _children.Reconcile(wanted, _record.DesiredVersion, now, _shutdownRequested);
        }

        if (_shutdownRequested)
        {
            _children.RequestShutdown(now);
        }

        // State mapping: a parent that is stopped, stopping, asked to stop or leaving wants its children stopped.
        LifecyclePhase phase = _definition.GetPhase(_state);
        bool stopChildren = _shutdownRequested || StopRequested || phase is LifecyclePhase.Stopped or LifecyclePhase.Stopping;
        _children.Tick(now, stopChildren);

        if (!_shutdownRequested)
        {
            HealthResult health = _children.CheckHealth(_context.HealthChecker, now);
            if (!health.IsHealthy && (infrastructure.State == CircuitState.Closed || probing))
            {
                string what = health.ChildId is { } child ? $"child {child}" : $"sanity check {health.CheckName}";
                infrastructure.RecordFailure($"{what}: {health.Reason}", now);
            }
            else if (health.IsHealthy && infrastructure.State == CircuitState.HalfOpen)
            {
                infrastructure.RecordSuccess();
            }

            infrastructureOk = infrastructure.State == CircuitState.Closed;
        }

        return _children.View(now);
    }

    public override CircuitState Circuit => _supervision.Circuit;

    public override LifecyclePhase Phase => _definition.GetPhase(_state);

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

    internal override void AppendStatus(List<WorkerStatus> into, DateTimeOffset now)
    {
        into.Add(GetStatus(now));
        _children?.AppendStatus(into, now);
    }

    private void Transition(in Next next)
    {
        int from = _state;
        int to = next.State;
        if (!_definition.IsDeclared(from, to))
        {
            long refused = ((long)from << 32) | (uint)to;
            if (refused != _lastRefused)
            {
                _lastRefused = refused;
                if ((uint)to < (uint)_definition.StateCount)
                {
                    Log.UndeclaredTransition(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), _definition.GetStateName(to), next.Reason);
                }
                else
                {
                    Log.InvalidDecision(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), NextKind.Goto, to);
                }
            }

            return;
        }

        _lastRefused = -1;
        _state = to;
        _transitionCounts[to]++; // one writer: the tick (ObservedInstruments)
        Log.Transition(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), _definition.GetStateName(to), next.Reason);
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
        _restarts++;
        _context.Metrics.Restarted(Identity.WorkerType);
        using Activity? span = FsmV2Telemetry.ActivitySource.HasListeners() ? FsmV2Telemetry.ActivitySource.StartActivity("FsmV2.Restart") : null;
        span?.SetTag("fsmv2.worker.id", Identity.Id).SetTag("fsmv2.worker.type", Identity.WorkerType).SetTag("fsmv2.state", _definition.GetStateName(_state)).SetTag("fsmv2.reason", reason);
        Log.WorkerRestarted(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), _restarts, reason);
        _state = _definition.InitialState;
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

    public void Dispose() => _collector.Dispose();

    public override WorkerStatus GetStatus(DateTimeOffset now)
    {
        Observation<TObserved> observation = _record.Observation;
        return new WorkerStatus(
            Identity.Id,
            Identity.WorkerType,
            _definition.GetStateName(_state),
            _definition.GetPhase(_state),
            _reason,
            _actions.CurrentAction,
            _actions.LastResult,
            observation.HasValue ? observation.CollectedAt : null,
            IsStale(observation, now),
            observation.Error,
            _shutdownRequested,
            _restarts,
            _supervision.FaultCount,
            _supervision.LastFault,
            _supervision.Circuit,
            DescendantCount,
            _retry?.HeldUntil(now));
    }
}
