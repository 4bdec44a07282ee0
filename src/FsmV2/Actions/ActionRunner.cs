using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// A worker's single action slot: starts at most one action at a time in the <see cref="ActionPool"/>, enforces its
/// timeout through cancellation, watches for actions that ignore cancellation (a warning at 2× the timeout, the
/// slot released and the run marked <see cref="ActionOutcome.Abandoned"/> at 3×), and keeps the last results.
/// </summary>
/// <remarks>
/// Nothing is allocated per action but its result (kept in a ring, <see cref="ActionHistory"/>): the run's state lives in the
/// runner's fields, the cancellation source is reset and reused unless it was cancelled, the completion task is
/// created only when someone asks for it while an action is in flight, and one watch timer per runner stays armed
/// for the earliest deadline (an action that ends before its timeout leaves the timer to fire once, find nothing
/// due, and re-arm for the current run's deadline, so back-to-back actions do not touch the timer at all).
/// </remarks>
internal sealed class ActionRunner<TDesired, TObserved> : IThreadPoolWorkItem
{
    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly WorkerDefinition _definition;
    private readonly WorkerIdentity _identity;
    private readonly ActionPool _pool;
    private readonly TimeProvider _time;
    private readonly WallClock _wall;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly SupervisorMetrics _metrics;
    private readonly IActionHost _host;
    private readonly Lock _gate = new();

    private int _inFlight;
    private int _action = -1;
    private TDesired _desired = default!;
    private readonly ActionHistory _history;

    // Under _gate: the run in progress (its state, so that none is allocated per action), and the watch.
    private Run _current;
    private bool _active; // _current has started and not finished
    private bool _cancelPending;
    private TaskCompletionSource? _done; // created by Completion while an action is in flight
    private CancellationTokenSource? _spareSource; // the last run's source, reset, for the next run
    private ITimer? _watch;
    private long _deadline = long.MaxValue; // when the current run's next watch stage falls due
    private long _watchDue = long.MaxValue; // when _watch is armed to fire; MaxValue: not armed
    private int _generation;

    public ActionRunner(
        IWorkerMachine<TDesired, TObserved> machine,
        WorkerIdentity identity,
        SupervisorContext context,
        IActionHost host)
    {
        _machine = machine;
        _definition = machine.Definition;
        _identity = identity;
        _pool = context.Pool;
        _time = context.Time;
        _wall = context.Wall;
        _options = context.Options;
        _logger = context.Logger;
        _metrics = context.Metrics;
        _host = host;
        _history = new ActionHistory(context.Options.ActionHistoryLength);
    }

    /// <summary>The worker's retry gate (<see cref="SupervisorOptions.ActionRetryBackoff"/>), if configured; the tick's.</summary>
    public ActionRetryGate? Retry { get; init; }

    /// <summary>Whether an action is queued or running.</summary>
    public bool InFlight => Volatile.Read(ref _inFlight) != 0;

    /// <summary>The name of the action queued or running, or <see langword="null"/>.</summary>
    public string? CurrentAction => InFlight && _action >= 0 ? _definition.GetActionName(_action) : null;

    /// <summary>The ring of the most recent results, appended to in place (readers ask it for an immutable window).</summary>
    public ActionHistory Results => _history;

    /// <summary>The most recent results, oldest first: an immutable list, built when asked for after a completion.</summary>
    public IReadOnlyList<ActionResult> History => _history.Current;

    /// <summary>The most recent result, or <see langword="null"/> before the first action ended.</summary>
    public ActionResult? LastResult => _history.Latest;

    /// <summary>Completes when the current action (if any) has ended.</summary>
    public Task Completion
    {
        get
        {
            lock (_gate)
            {
                return InFlight ? (_done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
            }
        }
    }

    /// <summary>Starts <paramref name="action"/> unless one is already in flight. Never blocks.</summary>
    public EnqueueResult TryStart(int action, TDesired desired)
    {
        if (Interlocked.CompareExchange(ref _inFlight, 1, 0) != 0)
        {
            return EnqueueResult.AlreadyInFlight;
        }

        _action = action;
        _desired = desired;
        EnqueueResult result = _pool.TryEnqueue(this);
        if (result == EnqueueResult.QueueFull)
        {
            EndInFlight()?.TrySetResult();
        }

        return result;
    }

    /// <summary>Cancels the running action, if any (its worker is being removed or restarted).</summary>
    public void CancelCurrent()
    {
        CancellationTokenSource? source = null;
        lock (_gate)
        {
            if (_active)
            {
                _current.Cancelled = true;
                source = _current.Source;
            }
            else if (InFlight)
            {
                _cancelPending = true; // queued, not started yet: it is cancelled as soon as it starts
            }
        }

        Cancel(source);
    }

    /// <summary>
    /// Runs on the thread pool when the pool starts this worker's action. An action whose task has already completed
    /// successfully when it returns is recorded here, without an async state machine; any other is awaited.
    /// </summary>
    public void Execute()
    {
        int action = _action;
        if (!Begin(action, out Run run))
        {
            Finish(run, ActionOutcome.Cancelled, null); // its worker was removed or restarted while it waited
            return;
        }

        if (FsmV2Telemetry.ActivitySource.HasListeners())
        {
            run.Span = FsmV2Telemetry.ActivitySource.StartActivity("FsmV2.Action");
            run.Span?.SetTag("fsmv2.worker.id", _identity.Id).SetTag("fsmv2.worker.type", _identity.WorkerType).SetTag("fsmv2.action", run.Name);
            KeepSpan(run);
        }

        CancellationToken token = run.Source.Token;
        Task? task;
        try
        {
            using (Log.WorkerScope(_logger, _identity))
            {
                task = _machine.RunActionAsync(action, _desired, token); // the scope flows into the action's awaits
            }
        }
        catch (Exception ex)
        {
            ActionOutcome outcome = Outcome(run, ex, token);
            Finish(run, outcome, outcome == ActionOutcome.Failed ? ex : null);
            return;
        }

        if (task is { IsCompletedSuccessfully: true })
        {
            Finish(run, ActionOutcome.Succeeded, null);
            return;
        }

        _ = AwaitAsync(task, run, token);
    }

    /// <summary>Disposes the watch timer once the worker is gone (its last action has ended).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _watch?.Dispose();
            _watch = null;
            _watchDue = long.MaxValue;
        }
    }

    private async Task AwaitAsync(Task? task, Run run, CancellationToken token)
    {
        ActionOutcome outcome = ActionOutcome.Succeeded;
        Exception? error = null;
        try
        {
            await (task ?? throw new InvalidOperationException($"Action '{run.Name}' of worker '{_identity.Id}' ({_identity.WorkerType}) returned a null Task.")).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = Outcome(run, ex, token);
            error = outcome == ActionOutcome.Failed ? ex : null;
        }

        Finish(run, outcome, error);
    }

    // A cancellation while the run's token is cancelled is the run's cancellation (its worker's) or its timeout (the
    // watch's); any other exception is a failure.
    private ActionOutcome Outcome(in Run run, Exception error, CancellationToken token) =>
        error is OperationCanceledException && token.IsCancellationRequested
            ? IsCancelled(run) ? ActionOutcome.Cancelled : ActionOutcome.TimedOut
            : ActionOutcome.Failed;

    /// <summary>Makes <paramref name="action"/> the current run and arms its watch; false if it was cancelled while queued.</summary>
    private bool Begin(int action, out Run run)
    {
        string name = _definition.GetActionName(action);
        TimeSpan timeout = _definition.GetActionTimeout(action) ?? _options.DefaultActionTimeout;
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            CancellationTokenSource source = _spareSource ?? new CancellationTokenSource();
            _spareSource = null;
            run = new Run(++_generation, name, timeout, ToTimestamp(timeout), now, source) { Cancelled = _cancelPending };
            _cancelPending = false;
            _current = run;
            _active = true;
            if (run.Cancelled)
            {
                return false;
            }

            _deadline = now + run.TimeoutTicks;
            if (_watchDue > _deadline)
            {
                ArmWatch(now);
            }

            return true;
        }
    }

    // The watch ends the span of a run it abandons.
    private void KeepSpan(in Run run)
    {
        lock (_gate)
        {
            if (_active && _current.Generation == run.Generation)
            {
                _current.Span = run.Span;
            }
        }
    }

    private bool IsCancelled(in Run run)
    {
        lock (_gate)
        {
            return _active && _current.Generation == run.Generation ? _current.Cancelled : run.Cancelled;
        }
    }

    /// <summary>Records the end of <paramref name="run"/> exactly once, whether it finished or was abandoned.</summary>
    private void Finish(Run run, ActionOutcome outcome, Exception? error)
    {
        lock (_gate)
        {
            if (!_active || _current.Generation != run.Generation)
            {
                // Abandoned earlier; it has finally returned.
                Log.AbandonedActionReturned(_logger, _identity.Id, _identity.WorkerType, run.Name, outcome);
                run.Source.Dispose();
                return;
            }

            _active = false;
            _deadline = long.MaxValue;
            if (outcome != ActionOutcome.Abandoned)
            {
                // Reused unless it was (or is about to be) cancelled: CancelCurrent and the watch cancel outside the lock.
                bool cancelling = _current.Cancelled || _current.Stage > 0;
                _spareSource = !cancelling && run.Source.TryReset() ? run.Source : Drop(run.Source);
            }
        }

        long ended = _time.GetTimestamp();
        TimeSpan duration = _time.GetElapsedTime(run.StartedAt, ended);
        var result = new ActionResult(run.Name, outcome, duration, error, _wall.UtcAt(ended));
        Append(result);
        _metrics.ActionEnded(_identity.WorkerType, run.Name, outcome, duration);
        EndSpan(run.Span, outcome, error, duration);
        LogOutcome(run, outcome, error, duration);
        _host.OnActionEnding();
        TaskCompletionSource? done = EndInFlight();
        _pool.Release();
        _host.OnActionEnded();
        done?.TrySetResult();
    }

    private static CancellationTokenSource? Drop(CancellationTokenSource source)
    {
        source.Dispose();
        return null;
    }

    /// <summary>Clears the in-flight flag; returns the completion to signal, if someone asked for one.</summary>
    private TaskCompletionSource? EndInFlight()
    {
        lock (_gate)
        {
            TaskCompletionSource? done = _done;
            _done = null;
            Volatile.Write(ref _inFlight, 0);
            return done;
        }
    }

    private static void EndSpan(Activity? span, ActionOutcome outcome, Exception? error, TimeSpan duration)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("fsmv2.action.outcome", outcome.ToString()).SetTag("fsmv2.action.duration_ms", duration.TotalMilliseconds);
        if (outcome != ActionOutcome.Succeeded)
        {
            span.SetStatus(ActivityStatusCode.Error, error?.Message ?? outcome.ToString());
        }

        span.Dispose();
    }

    private void LogOutcome(in Run run, ActionOutcome outcome, Exception? error, TimeSpan duration)
    {
        switch (outcome)
        {
            case ActionOutcome.Failed:
                LogFailure(run.Name, error!, duration);
                break;
            case ActionOutcome.TimedOut:
                Log.ActionTimedOut(_logger, _identity.Id, _identity.WorkerType, run.Name, run.Timeout.TotalMilliseconds);
                break;
            case ActionOutcome.Abandoned:
                Log.ActionAbandoned(_logger, _identity.Id, _identity.WorkerType, run.Name, duration.TotalMilliseconds);
                break;
        }
    }

    private void Append(ActionResult result) => _history.Append(result);

    // Under _gate. Arms the watch for _deadline (the timer is created on the first action and kept).
    private void ArmWatch(long now)
    {
        _watch ??= _time.CreateTimer(static s => ((ActionRunner<TDesired, TObserved>)s!).OnWatch(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watchDue = _deadline;
        long ticks = (long)Math.Ceiling(Math.Max(0, _deadline - now) * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency);
        _watch.Change(TimeSpan.FromTicks(ticks), Timeout.InfiniteTimeSpan);
    }

    private long ToTimestamp(TimeSpan span) => (long)Math.Ceiling(span.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);

    private void OnWatch()
    {
        int stage = -1;
        Run run;
        lock (_gate)
        {
            _watchDue = long.MaxValue;
            long now = _time.GetTimestamp();
            run = _current;
            if (_active && now >= _deadline)
            {
                stage = _current.Stage++;
                _deadline = stage < 2 ? now + run.TimeoutTicks : long.MaxValue;
            }

            if (_active && _deadline != long.MaxValue && _watch is not null)
            {
                ArmWatch(now); // the next stage, or the deadline of a run that started after the one this was armed for
            }
        }

        switch (stage)
        {
            case 0: // 1x: the timeout
                Cancel(run.Source);
                break;
            case 1: // 2x: still running although cancelled
                Log.ActionStuck(_logger, _identity.Id, _identity.WorkerType, run.Name, run.Timeout.TotalMilliseconds * 2);
                break;
            case 2: // 3x: give the slot back
                Finish(run, ActionOutcome.Abandoned, null);
                break;
        }
    }

    private static void Cancel(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>One run of an action: what the watch and the end of the run need to know.</summary>
    private struct Run(int generation, string name, TimeSpan timeout, long timeoutTicks, long startedAt, CancellationTokenSource source)
    {
        public readonly int Generation = generation;
        public readonly string Name = name;
        public readonly TimeSpan Timeout = timeout;
        public readonly long TimeoutTicks = timeoutTicks;
        public readonly long StartedAt = startedAt;
        public readonly CancellationTokenSource Source = source;
        public int Stage;
        public bool Cancelled;
        public Activity? Span;
    }

    /// <summary>A failed action is an expected outcome: Warning with the exception's type and message, the stack trace at Debug.</summary>
    private void LogFailure(string action, Exception error, TimeSpan duration)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.ActionFailed(_logger, _identity.Id, _identity.WorkerType, action, duration.TotalMilliseconds, $"{error.GetType().Name}: {error.Message}");
        }

        Log.ActionFailureDetail(_logger, error, _identity.Id, _identity.WorkerType, action);
    }
}
