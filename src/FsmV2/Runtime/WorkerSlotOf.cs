using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker under supervision: its current state, its collector, and its single action slot. The tick path
/// (<see cref="Tick"/>) reads only plain fields and the store, calls the generated <c>Decide</c>, and allocates
/// nothing unless the decision starts an action or is logged.
/// </summary>
internal sealed class WorkerSlot<TDesired, TObserved> : WorkerSlot, IActionHost, IDisposable
{
    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly WorkerDefinition _definition;
    private readonly WorkerRecord<TDesired, TObserved> _record;
    private readonly CollectorLoop<TDesired, TObserved> _collector;
    private readonly ActionRunner<TDesired, TObserved> _actions;
    private readonly TimeProvider _time;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;

    private int _state;
    private string _reason = "added";
    private long _epoch;
    private volatile bool _shutdownRequested;
    private volatile bool _removed;
    private bool _stale;
    private long _lastRefused = -1;
    private int _restarts;
    private int _faults;
    private Exception? _lastFault;

    public WorkerSlot(
        IWorkerMachine<TDesired, TObserved> machine,
        WorkerRecord<TDesired, TObserved> record,
        ActionPool pool,
        TimeProvider time,
        SupervisorOptions options,
        ILogger logger)
    {
        _machine = machine;
        _definition = machine.Definition;
        _record = record;
        _actions = new ActionRunner<TDesired, TObserved>(machine, record.Identity, pool, time, options, logger, this);
        _time = time;
        _options = options;
        _logger = logger;
        _state = _definition.InitialState;
        _collector = new CollectorLoop<TDesired, TObserved>(machine, record, () => Volatile.Read(ref _epoch), time, options, logger);
    }

    public override WorkerIdentity Identity => _record.Identity;

    public override bool IsRemoved => _removed;

    public WorkerRecord<TDesired, TObserved> Record => _record;

    public int State => _state;

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
        if (_removed || _actions.InFlight)
        {
            return;
        }

        Observation<TObserved> observation = _record.Observation;
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

        TimeSpan age = now - observation.CollectedAt;
        if (age > _options.StaleAfter)
        {
            if (!_stale)
            {
                _stale = true;
                Log.ObservationStale(_logger, Identity.Id, Identity.WorkerType, age.TotalMilliseconds, _options.StaleAfter.TotalMilliseconds);
            }

            return;
        }

        if (_stale)
        {
            _stale = false;
            Log.ObservationFresh(_logger, Identity.Id, Identity.WorkerType);
        }

        var snapshot = new Snapshot<TDesired, TObserved>(
            _record.Identity, _record.Desired, observation.Value, observation.CollectedAt, now, _shutdownRequested, observation.Error, _actions.History);

        Next next;
        try
        {
            next = _machine.Decide(_state, in snapshot);
        }
        catch (Exception ex)
        {
            _faults++;
            _lastFault = ex;
            Log.DecideFailed(_logger, ex, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state));
            return;
        }

        _reason = next.Reason;
        switch (next.Kind)
        {
            case NextKind.Goto:
                Transition(next);
                break;
            case NextKind.Do:
                StartAction(next);
                break;
            case NextKind.Signal when next.Signal == Signal.Remove:
                MarkRemoved(next.Reason);
                break;
            case NextKind.Signal when next.Signal == Signal.Restart:
                Restart(next.Reason);
                break;
        }
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
        Log.Transition(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(from), _definition.GetStateName(to), next.Reason);
    }

    private void StartAction(in Next next)
    {
        if ((uint)next.Action >= (uint)_definition.ActionCount)
        {
            Log.InvalidDecision(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), NextKind.Do, next.Action);
            return;
        }

        if (_actions.TryStart(next.Action, _record.Desired) == EnqueueResult.QueueFull)
        {
            Log.ActionQueueFull(_logger, Identity.Id, Identity.WorkerType, _definition.GetActionName(next.Action));
            return;
        }

        Log.ActionStarted(_logger, Identity.Id, Identity.WorkerType, _definition.GetActionName(next.Action), _definition.GetStateName(_state), next.Reason);
    }

    private void MarkRemoved(string reason)
    {
        _removed = true;
        Log.WorkerRemoved(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), reason);
    }

    private void Restart(string reason)
    {
        _restarts++;
        Log.WorkerRestarted(_logger, Identity.Id, Identity.WorkerType, _definition.GetStateName(_state), _restarts, reason);
        _state = _definition.InitialState;
        _lastRefused = -1;
        Interlocked.Increment(ref _epoch); // decide again only on an observation collected after the restart
        _collector.TriggerNow(inline: false);
    }

    /// <summary>Completes when the action in flight (if any) has finished and its follow-up collection has started.</summary>
    public Task ActionCompletion => _actions.Completion;

    public IReadOnlyList<ActionResult> RecentActions => _actions.History;

    void IActionHost.OnActionEnding() => Interlocked.Increment(ref _epoch);

    void IActionHost.OnActionEnded() => _collector.TriggerNow(inline: true);

    public override async Task StopAsync()
    {
        _removed = true;
        _actions.CancelCurrent();
        _collector.Stop();
        await ActionCompletion.ConfigureAwait(false); // bounded: an action that ignores cancellation is abandoned at 3x its timeout
        Dispose();
    }

    public void Dispose() => _collector.Dispose();

    public override WorkerStatus GetStatus(DateTimeOffset now)
    {
        Observation<TObserved> observation = _record.Observation;
        IReadOnlyList<ActionResult> history = _actions.History;
        return new WorkerStatus(
            Identity.Id,
            Identity.WorkerType,
            _definition.GetStateName(_state),
            _definition.GetPhase(_state),
            _reason,
            _actions.CurrentAction,
            history.Count > 0 ? history[^1] : null,
            observation.HasValue ? observation.CollectedAt : null,
            observation.HasValue && now - observation.CollectedAt > _options.StaleAfter,
            observation.Error,
            _shutdownRequested,
            _restarts,
            _faults,
            _lastFault);
    }
}
