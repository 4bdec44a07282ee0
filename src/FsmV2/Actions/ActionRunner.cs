using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// A worker's single action slot: starts at most one action at a time in the <see cref="ActionPool"/>, enforces its
/// timeout through cancellation, watches for actions that ignore cancellation (a warning at 2× the timeout, the
/// slot released and the run marked <see cref="ActionOutcome.Abandoned"/> at 3×), and keeps the last results.
/// </summary>
internal sealed class ActionRunner<TDesired, TObserved> : IThreadPoolWorkItem
{
    private static readonly ActionResult[] NoResults = [];

    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly WorkerDefinition _definition;
    private readonly WorkerIdentity _identity;
    private readonly ActionPool _pool;
    private readonly TimeProvider _time;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly SupervisorMetrics _metrics;
    private readonly IActionHost _host;
    private readonly object _gate = new();

    private int _inFlight;
    private int _action = -1;
    private TDesired _desired = default!;
    private Run? _current;
    private bool _cancelPending;
    private TaskCompletionSource _done = Idle;
    private ActionResult[] _history = NoResults;

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
        _options = context.Options;
        _logger = context.Logger;
        _metrics = context.Metrics;
        _host = host;
    }

    /// <summary>The worker's retry gate (<see cref="SupervisorOptions.ActionRetryBackoff"/>), if configured; the tick's.</summary>
    public ActionRetryGate? Retry { get; init; }

    /// <summary>Whether an action is queued or running.</summary>
    public bool InFlight => Volatile.Read(ref _inFlight) != 0;

    /// <summary>The name of the action queued or running, or <see langword="null"/>.</summary>
    public string? CurrentAction => InFlight && _action >= 0 ? _definition.GetActionName(_action) : null;

    /// <summary>The most recent results, oldest first; replaced (never mutated) on each completion.</summary>
    public IReadOnlyList<ActionResult> History => Volatile.Read(ref _history);

    /// <summary>The most recent result, or <see langword="null"/> before the first action ended.</summary>
    public ActionResult? LastResult => History is { Count: > 0 } history ? history[^1] : null;

    /// <summary>Completes when the current action (if any) has ended.</summary>
    public Task Completion => Volatile.Read(ref _done).Task;

    /// <summary>Starts <paramref name="action"/> unless one is already in flight. Never blocks.</summary>
    public EnqueueResult TryStart(int action, TDesired desired)
    {
        if (Interlocked.CompareExchange(ref _inFlight, 1, 0) != 0)
        {
            return EnqueueResult.AlreadyInFlight;
        }

        _action = action;
        _desired = desired;
        TaskCompletionSource previous = _done;
        Volatile.Write(ref _done, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        EnqueueResult result = _pool.TryEnqueue(this);
        if (result == EnqueueResult.QueueFull)
        {
            Volatile.Write(ref _done, previous);
            Volatile.Write(ref _inFlight, 0);
        }

        return result;
    }

    /// <summary>Cancels the running action, if any (its worker is being removed or restarted).</summary>
    public void CancelCurrent()
    {
        Run? run;
        lock (_gate)
        {
            run = _current;
            if (run is not null)
            {
                run.Cancelled = true;
            }
            else if (InFlight)
            {
                _cancelPending = true; // queued, not started yet: it is cancelled as soon as it starts
            }
        }

        run?.Cancel();
    }

    /// <summary>Runs on the thread pool when the pool starts this worker's action.</summary>
    public void Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        int action = _action;
        string name = _definition.GetActionName(action);
        TimeSpan timeout = _definition.GetActionTimeout(action) ?? _options.DefaultActionTimeout;
        var run = new Run(this, name, timeout, Volatile.Read(ref _done), _time.GetTimestamp());
        bool cancelled;
        lock (_gate)
        {
            _current = run;
            cancelled = _cancelPending;
            _cancelPending = false;
            run.Cancelled = cancelled;
        }

        if (cancelled)
        {
            Finish(run, ActionOutcome.Cancelled, null); // its worker was removed or restarted while it waited
            return;
        }

        run.Arm();
        if (FsmV2Telemetry.ActivitySource.HasListeners())
        {
            run.Span = FsmV2Telemetry.ActivitySource.StartActivity("FsmV2.Action");
            run.Span?.SetTag("fsmv2.worker.id", _identity.Id).SetTag("fsmv2.worker.type", _identity.WorkerType).SetTag("fsmv2.action", name);
        }

        ActionOutcome outcome = ActionOutcome.Succeeded;
        Exception? error = null;
        try
        {
            Task? task;
            using (Log.WorkerScope(_logger, _identity))
            {
                task = _machine.RunActionAsync(action, _desired, run.Token); // the scope flows into the action's awaits
            }

            await (task ?? throw new InvalidOperationException($"Action '{name}' of worker '{_identity.Id}' ({_identity.WorkerType}) returned a null Task.")).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            outcome = run.Cancelled ? ActionOutcome.Cancelled : ActionOutcome.TimedOut;
        }
        catch (Exception ex)
        {
            outcome = ActionOutcome.Failed;
            error = ex;
        }

        Finish(run, outcome, error);
    }

    /// <summary>Records the end of <paramref name="run"/> exactly once, whether it finished or was abandoned.</summary>
    private void Finish(Run run, ActionOutcome outcome, Exception? error)
    {
        lock (_gate)
        {
            if (run.Finished)
            {
                // Abandoned earlier; it has finally returned.
                Log.AbandonedActionReturned(_logger, _identity.Id, _identity.WorkerType, run.Name, outcome);
                run.Dispose();
                return;
            }

            run.Finished = true;
            if (ReferenceEquals(_current, run))
            {
                _current = null;
            }
        }

        if (outcome != ActionOutcome.Abandoned)
        {
            run.Dispose();
        }

        TimeSpan duration = _time.GetElapsedTime(run.StartedAt);
        var result = new ActionResult(run.Name, outcome, duration, error, _time.GetUtcNow());
        Append(result);
        _metrics.ActionEnded(_identity.WorkerType, run.Name, outcome, duration);
        if (run.Span is { } span)
        {
            span.SetTag("fsmv2.action.outcome", result.Outcome.ToString()).SetTag("fsmv2.action.duration_ms", duration.TotalMilliseconds);
            if (outcome != ActionOutcome.Succeeded)
            {
                span.SetStatus(ActivityStatusCode.Error, error?.Message ?? outcome.ToString());
            }

            span.Dispose();
        }

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

        _host.OnActionEnding();
        Volatile.Write(ref _inFlight, 0);
        _pool.Release();
        _host.OnActionEnded();
        run.Done.TrySetResult();
    }

    private void Append(ActionResult result)
    {
        ActionResult[] old = _history;
        int keep = Math.Min(old.Length, _options.ActionHistoryLength - 1);
        var next = new ActionResult[keep + 1];
        Array.Copy(old, old.Length - keep, next, 0, keep);
        next[keep] = result;
        Volatile.Write(ref _history, next);
    }

    private void OnWatch(Run run)
    {
        int stage;
        lock (_gate)
        {
            if (run.Finished)
            {
                return;
            }

            stage = run.Stage++;
        }

        switch (stage)
        {
            case 0: // 1x: the timeout
                run.Cancel();
                run.Rearm();
                break;
            case 1: // 2x: still running although cancelled
                Log.ActionStuck(_logger, _identity.Id, _identity.WorkerType, run.Name, run.Timeout.TotalMilliseconds * 2);
                run.Rearm();
                break;
            default: // 3x: give the slot back
                Finish(run, ActionOutcome.Abandoned, null);
                break;
        }
    }

    // The completion of "no action yet": already completed, shared by every runner of this type.
    private static readonly TaskCompletionSource Idle = CreateIdle();

    private static TaskCompletionSource CreateIdle()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    /// <summary>One run of an action: its cancellation, its watch timer and its completion.</summary>
    private sealed class Run : IDisposable
    {
        private readonly ActionRunner<TDesired, TObserved> _owner;
        private readonly CancellationTokenSource _cts;
        private ITimer? _watch;

        public Run(ActionRunner<TDesired, TObserved> owner, string name, TimeSpan timeout, TaskCompletionSource done, long startedAt)
        {
            _owner = owner;
            Name = name;
            Timeout = timeout;
            Done = done;
            StartedAt = startedAt;
            _cts = new CancellationTokenSource();
        }

        public string Name { get; }

        public TimeSpan Timeout { get; }

        public TaskCompletionSource Done { get; }

        public long StartedAt { get; }

        public CancellationToken Token => _cts.Token;

        public int Stage { get; set; }

        public bool Cancelled { get; set; }

        public bool Finished { get; set; }

        public Activity? Span { get; set; }

        public void Arm() =>
            _watch = _owner._time.CreateTimer(static s => { var r = (Run)s!; r._owner.OnWatch(r); }, this, Timeout, System.Threading.Timeout.InfiniteTimeSpan);

        public void Rearm() => _watch?.Change(Timeout, System.Threading.Timeout.InfiniteTimeSpan);

        public void Cancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }

        public void Dispose()
        {
            _watch?.Dispose();
            _cts.Dispose();
        }
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
