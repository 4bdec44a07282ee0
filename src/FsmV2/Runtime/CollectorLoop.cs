using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker's sensor: calls <c>CollectAsync</c> every <see cref="SupervisorOptions.CollectInterval"/> (or at
/// once when asked), bounded by <see cref="SupervisorOptions.CollectTimeout"/>, and writes each result to the
/// store with the time it was collected. It runs beside the tick, never on it: a collector that throws or hangs
/// is recorded as an error on the observation and never stops the tick.
/// </summary>
/// <remarks>
/// Driven by two timers of the injected <see cref="TimeProvider"/> rather than an async loop, so that a fake
/// clock advancing in a test runs the collection inline, deterministically. At most one <c>CollectAsync</c> call
/// is outstanding: a call that outlives its timeout is recorded as timed out and cancelled, and no new call
/// starts until it returns (a late answer is still accepted as an observation).
/// </remarks>
internal sealed class CollectorLoop<TDesired, TObserved> : IDisposable
{
    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly WorkerRecord<TDesired, TObserved> _record;
    private readonly Func<long> _epoch;
    private readonly TimeProvider _time;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly SupervisorMetrics _metrics;
    private readonly object _gate = new();
    private readonly ITimer _interval;
    private readonly ITimer _timeout;

    private bool _busy;
    private bool _pending;
    private bool _timedOut;
    private bool _stopped;
    private long _callEpoch;
    private long _observedEpoch = -1;
    private CancellationTokenSource? _call;

    public CollectorLoop(
        IWorkerMachine<TDesired, TObserved> machine,
        WorkerRecord<TDesired, TObserved> record,
        Func<long> epoch,
        SupervisorContext context)
    {
        _machine = machine;
        _record = record;
        _epoch = epoch;
        _time = context.Time;
        _options = context.Options;
        _logger = context.Logger;
        _metrics = context.Metrics;
        TimeProvider time = context.Time;
        _interval = time.CreateTimer(static s => ((CollectorLoop<TDesired, TObserved>)s!).Collect(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timeout = time.CreateTimer(static s => ((CollectorLoop<TDesired, TObserved>)s!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The worker's decision epoch when the collection of the latest good observation started (-1 before the first).
    /// The slot bumps the epoch when an action ends or the worker restarts, and decides again only on an
    /// observation of the new epoch. Written after the observation it describes, so a reader that reads this first
    /// and the observation second never pairs a new epoch with an older observation. Kept here, not in the store:
    /// it is scheduling, not what the worker observed.
    /// </summary>
    public long ObservedEpoch => Volatile.Read(ref _observedEpoch);

    /// <summary>Starts collecting; the first collection begins at once, on the caller's thread until it first awaits.</summary>
    public void Start() => Collect();

    /// <summary>
    /// Collects again now instead of at the next interval. With <paramref name="inline"/> the collection starts on
    /// the caller's thread (used when an action completes); otherwise on the thread pool (used from the tick, which
    /// runs no user code but states).
    /// </summary>
    public void TriggerNow(bool inline)
    {
        if (inline)
        {
            Collect();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Collect(), this, preferLocal: false);
        }
    }

    /// <summary>Stops collecting and cancels an outstanding call. A hung call is abandoned, not awaited.</summary>
    public void Stop()
    {
        CancellationTokenSource? call;
        lock (_gate)
        {
            _stopped = true;
            call = _call;
        }

        Arm(_interval, Timeout.InfiniteTimeSpan);
        Arm(_timeout, Timeout.InfiniteTimeSpan);
        Cancel(call);
    }

    public void Dispose()
    {
        Stop();
        _interval.Dispose();
        _timeout.Dispose();
    }

    // Timers are re-armed outside _gate: a timer's own lock may be held while it calls us.
    private void Collect()
    {
        if (NoteIfStillHung() || !TryBeginCall(out CancellationTokenSource? call))
        {
            return;
        }

        Arm(_interval, Timeout.InfiniteTimeSpan);
        ValueTask<TObserved> collect;
        try
        {
            using (Log.WorkerScope(_logger, _record.Identity))
            {
                collect = _machine.CollectAsync(_record.Desired, call.Token);
            }
        }
        catch (Exception ex)
        {
            Completed(call, default!, ex);
            return;
        }

        if (collect.IsCompletedSuccessfully)
        {
            Completed(call, collect.Result, null);
            return;
        }

        Arm(_timeout, _options.CollectTimeout);
        CompleteLater(collect, call);
    }

    // A call is outstanding: collect again when it returns; if it outlived its timeout, say so again and check back later.
    private bool NoteIfStillHung()
    {
        bool stillHung;
        lock (_gate)
        {
            if (_stopped || !_busy)
            {
                return _stopped;
            }

            _pending = true;
            stillHung = _timedOut;
        }

        if (stillHung)
        {
            Fail(new CollectTimeoutException(
                $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) has still not returned after its timeout of {_options.CollectTimeout.TotalMilliseconds} ms; no new call starts until it does."));
            Arm(_interval, _options.CollectInterval);
        }

        return true;
    }

    private bool TryBeginCall([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CancellationTokenSource? call)
    {
        lock (_gate)
        {
            if (_stopped || _busy)
            {
                call = null;
                return false;
            }

            _busy = true;
            _pending = false;
            _timedOut = false;
            _callEpoch = _epoch();
            call = new CancellationTokenSource();
            _call = call;
            return true;
        }
    }

    private void CompleteLater(ValueTask<TObserved> collect, CancellationTokenSource call) =>
        collect.AsTask().ContinueWith(
            static (task, state) =>
            {
                var (loop, call) = ((CollectorLoop<TDesired, TObserved>, CancellationTokenSource))state!;
                if (task.IsCompletedSuccessfully)
                {
                    loop.Completed(call, task.Result, null);
                }
                else
                {
                    loop.Completed(call, default!, task.Exception?.InnerException ?? new OperationCanceledException("CollectAsync was cancelled."));
                }
            },
            (this, call),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void OnTimeout()
    {
        CancellationTokenSource? call;
        lock (_gate)
        {
            if (!_busy || _timedOut || _stopped)
            {
                return;
            }

            _timedOut = true;
            call = _call;
        }

        Fail(new CollectTimeoutException(
            $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) did not return within {_options.CollectTimeout.TotalMilliseconds} ms; it was cancelled."));
        Arm(_interval, _options.CollectInterval);
        Cancel(call);
    }

    private void Completed(CancellationTokenSource call, TObserved value, Exception? error)
    {
        bool again;
        bool rearm;
        bool record;
        long epoch;
        lock (_gate)
        {
            if (!ReferenceEquals(call, _call))
            {
                return;
            }

            // A cancellation caused by our own timeout was already recorded as the timeout.
            record = error is null || !(_timedOut && error is OperationCanceledException);
            epoch = _callEpoch;
            _busy = false;
            _timedOut = false;
            _call = null;
            again = _pending && !_stopped;
            rearm = !again && !_stopped;
        }

        Arm(_timeout, Timeout.InfiniteTimeSpan);
        if (error is null)
        {
            _record.WriteSuccess(value, _time.GetUtcNow());
            Volatile.Write(ref _observedEpoch, epoch); // after the observation: see ObservedEpoch
        }
        else if (record)
        {
            Fail(error);
        }

        call.Dispose();
        if (again)
        {
            Collect();
        }
        else if (rearm)
        {
            Arm(_interval, _options.CollectInterval);
        }
    }

    private static void Arm(ITimer timer, TimeSpan dueTime)
    {
        try
        {
            timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    private void Fail(Exception error)
    {
        _record.WriteFailure(error);
        _metrics.CollectorError(_record.Identity.WorkerType);
        int failures = _record.Observation.ConsecutiveFailures;
        if (failures == 1 || failures % 10 == 0)
        {
            Log.CollectFailed(_logger, error, _record.Identity.Id, _record.Identity.WorkerType, failures);
        }
    }

    private static void Cancel(CancellationTokenSource? call)
    {
        try
        {
            call?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call completed meanwhile.
        }
    }
}
