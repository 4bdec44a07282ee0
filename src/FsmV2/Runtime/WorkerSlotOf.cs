using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker under supervision: its current state, its collector, and its single action slot. The tick path
/// (<see cref="Tick"/>) reads only plain fields and the store, calls the generated <c>Decide</c>, and allocates
/// nothing unless the decision starts an action or is logged.
/// </summary>
internal sealed class WorkerSlot<TDesired, TObserved> : WorkerSlot, IDisposable
{
    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly WorkerDefinition _definition;
    private readonly WorkerRecord<TDesired, TObserved> _record;
    private readonly CollectorLoop<TDesired, TObserved> _collector;
    private readonly ActionPool _pool;
    private readonly TimeProvider _time;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();

    private int _state;
    private string _reason = "added";
    private long _epoch;
    private int _actionInFlight;
    private int _pendingAction = -1;
    private TaskCompletionSource _actionDone = CompletedAction();
    private ActionResult? _lastAction;
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
        _pool = pool;
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

    public override void RequestShutdown()
    {
        if (!_shutdownRequested)
        {
            _shutdownRequested = true;
            Log.RemovalRequested(_logger, Identity.Id, Identity.WorkerType);
        }
    }

    public override void Tick(DateTimeOffset now)
    {
        if (_removed || Volatile.Read(ref _actionInFlight) != 0)
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
            _record.Identity, _record.Desired, observation.Value, observation.CollectedAt, now, _shutdownRequested, observation.Error);

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

        _pendingAction = next.Action;
        TaskCompletionSource previous = _actionDone;
        Volatile.Write(ref _actionDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref _actionInFlight, 1);
        if (_pool.TryEnqueue(this) == EnqueueResult.QueueFull)
        {
            Volatile.Write(ref _actionInFlight, 0);
            _actionDone = previous;
            Log.ActionQueueFull(_logger, Identity.Id, Identity.WorkerType, _definition.GetActionName(next.Action), _pool.QueueLength);
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

    /// <summary>Runs on the thread pool when the action pool starts this worker's action.</summary>
    public override void Execute() => _ = RunActionAsync();

    /// <summary>Completes when the action in flight (if any) has finished and its follow-up collection has started.</summary>
    public Task ActionCompletion => Volatile.Read(ref _actionDone).Task;

    private async Task RunActionAsync()
    {
        int action = _pendingAction;
        TaskCompletionSource done = Volatile.Read(ref _actionDone);
        string name = _definition.GetActionName(action);
        TimeSpan timeout = _definition.GetActionTimeout(action) ?? _options.DefaultActionTimeout;
        long started = _time.GetTimestamp();
        ActionOutcome outcome = ActionOutcome.Succeeded;
        Exception? error = null;
        try
        {
            using var cts = new CancellationTokenSource(timeout, _time);
            using CancellationTokenRegistration link = _lifetime.Token.Register(static s => ((CancellationTokenSource)s!).Cancel(), cts);
            try
            {
                Task task = _machine.RunActionAsync(action, _record.Desired, cts.Token)
                    ?? throw new InvalidOperationException($"Action '{name}' of worker '{Identity.Id}' ({Identity.WorkerType}) returned a null Task.");
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                outcome = _lifetime.IsCancellationRequested ? ActionOutcome.Cancelled : ActionOutcome.TimedOut;
            }
            catch (Exception ex)
            {
                outcome = ActionOutcome.Failed;
                error = ex;
            }

            TimeSpan duration = _time.GetElapsedTime(started);
            Volatile.Write(ref _lastAction, new ActionResult(name, outcome, duration, error, _time.GetUtcNow()));
            if (outcome == ActionOutcome.Failed)
            {
                Log.ActionFailed(_logger, error!, Identity.Id, Identity.WorkerType, name, duration.TotalMilliseconds);
            }
            else if (outcome == ActionOutcome.TimedOut)
            {
                Log.ActionTimedOut(_logger, Identity.Id, Identity.WorkerType, name, timeout.TotalMilliseconds);
            }
        }
        finally
        {
            // Order matters: the new epoch is visible before the slot opens, so the next tick that sees the slot
            // free also waits for an observation collected after this completion.
            Interlocked.Increment(ref _epoch);
            Volatile.Write(ref _actionInFlight, 0);
            _pool.Release();
            _collector.TriggerNow(inline: true);
            done.TrySetResult();
        }
    }

    public override async Task StopAsync()
    {
        _removed = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _collector.Stop();
        await ActionCompletion.ConfigureAwait(false);
        Dispose();
    }

    public void Dispose()
    {
        _collector.Dispose();
        _lifetime.Dispose();
    }

    private static TaskCompletionSource CompletedAction()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    public override WorkerStatus GetStatus(DateTimeOffset now)
    {
        Observation<TObserved> observation = _record.Observation;
        bool inFlight = Volatile.Read(ref _actionInFlight) != 0;
        return new WorkerStatus(
            Identity.Id,
            Identity.WorkerType,
            _definition.GetStateName(_state),
            _definition.GetPhase(_state),
            _reason,
            inFlight && _pendingAction >= 0 ? _definition.GetActionName(_pendingAction) : null,
            Volatile.Read(ref _lastAction),
            observation.HasValue ? observation.CollectedAt : null,
            observation.HasValue && now - observation.CollectedAt > _options.StaleAfter,
            observation.Error,
            _shutdownRequested,
            _restarts,
            _faults,
            _lastFault);
    }
}
