using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker's sensor: calls <c>CollectAsync</c> every <see cref="SupervisorOptions.CollectInterval"/> (or at
/// once when asked), bounded by <see cref="SupervisorOptions.CollectTimeout"/>, and writes each result to the
/// store with the time it was collected. It runs beside the tick, never on it: a collector that throws or hangs
/// is recorded as an error on the observation and never stops the tick.
/// </summary>
/// <remarks>
/// Driven by the supervisor's <see cref="CollectorScheduler"/> (one timer of the injected <see cref="TimeProvider"/>
/// for every collector) rather than an async loop or timers of its own, so that a fake clock advancing in a test runs
/// the collection inline, deterministically. At most one <c>CollectAsync</c> call is outstanding: a call that
/// outlives its timeout is recorded as timed out and cancelled, and no new call starts until it returns (a late
/// answer is still accepted as an observation). A call that completes synchronously allocates nothing here: the
/// cancellation source is rented from the supervisor's <see cref="CollectorScheduler"/> for the call and returned after it
/// unless it was cancelled, and the record refreshes its observation in place, so an idle collector holds none.
/// <para>It is the base of the worker's slot rather than an object of its own (the slot is its only user), which saves
/// an object header and three references per worker (ADR 0016).</para>
/// </remarks>
internal abstract class CollectorLoop<TDesired, TObserved> : WorkerSlot, IScheduledCollector, IDisposable
{
#pragma warning disable SA1401, CA1051 // Shared with the slot that derives from this: the worker, its record, the supervisor's context.
    private protected readonly IWorkerMachine<TDesired, TObserved> _machine;
    private protected readonly WorkerRecord<TDesired, TObserved> _record;
    private protected readonly SupervisorContext _context;
#pragma warning restore SA1401, CA1051

    private bool _busy;
    private bool _pending;
    private bool _timedOut;
    private bool _stopped;
    private int _timeoutGeneration;
    private long _epoch;
    private long _observedEpoch = -1;
    private long _currentCall;
    private long _due = long.MaxValue; // the scheduler's: IScheduledCollector.Due
    private byte _queued; // the scheduler's: IScheduledCollector.Queued
    private CancellationTokenSource? _cts;

    private protected CollectorLoop(IWorkerMachine<TDesired, TObserved> machine, WorkerRecord<TDesired, TObserved> record, SupervisorContext context)
    {
        _machine = machine;
        _record = record;
        _context = context;
    }

    /// <summary>
    /// The worker's decision epoch: the slot bumps it (<see cref="NextEpoch"/>) when an action ends or the worker
    /// restarts, and decides again only on an observation collected in the new epoch.
    /// </summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Starts a new decision epoch (an action ended, the worker restarted).</summary>
    public void NextEpoch() => Interlocked.Increment(ref _epoch);

    /// <summary>
    /// The worker's decision epoch when the collection of the latest good observation started (-1 before the first).
    /// The slot bumps the epoch when an action ends or the worker restarts, and decides again only on an
    /// observation of the new epoch. Written after the observation it describes, so a reader that reads this first
    /// and the observation second never pairs a new epoch with an older observation. Kept here, not in the store:
    /// it is scheduling, not what the worker observed.
    /// </summary>
    public long ObservedEpoch => Volatile.Read(ref _observedEpoch);

    /// <summary>Starts collecting; the first collection begins at once, on the caller's thread until it first awaits.</summary>
    public void StartCollecting() => Collect();

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
    public void StopCollecting()
    {
        CancellationTokenSource? call;
        CancellationTokenSource? idle;
        lock (this)
        {
            _stopped = true;
            call = _busy ? _cts : null;
            idle = _busy ? null : _cts;
            _cts = null;
        }

        DisarmCollect();
        DisarmTimeout();
        Cancel(call);
        idle?.Dispose();
    }

    public void Dispose() => StopCollecting();

    ref long IScheduledCollector.Due => ref _due;

    ref byte IScheduledCollector.Queued => ref _queued;

    void IScheduledCollector.CollectDue() => Collect();

    void IScheduledCollector.OnTimeoutDue(int generation)
    {
        if (generation == Volatile.Read(ref _timeoutGeneration))
        {
            OnTimeout();
        }
    }

    private void ArmCollect() => _context.Collectors.ArmCollect(this);

    private void DisarmCollect() => CollectorScheduler.DisarmCollect(this);

    private void ArmTimeout() => _context.Collectors.ArmTimeout(this, Interlocked.Increment(ref _timeoutGeneration));

    private void DisarmTimeout() => Interlocked.Increment(ref _timeoutGeneration);

    private void Collect()
    {
        if (!TryBeginCall(out CollectCall call, out CancellationToken token, out bool stillHung))
        {
            if (stillHung)
            {
                NoteStillHung();
            }

            return;
        }

        DisarmCollect();
        ValueTask<TObserved> collect;
        try
        {
            using (Log.WorkerScope(_context.Logger, _record.Identity))
            {
                collect = _machine.CollectAsync(_record.Desired, token);
            }
        }
        catch (Exception ex)
        {
            Completed(call, default!, ex, timeoutArmed: false);
            return;
        }

        if (collect.IsCompletedSuccessfully)
        {
            Completed(call, collect.Result, null, timeoutArmed: false);
            return;
        }

        ArmTimeout();
        CompleteLater(collect, call);
    }

    // A call outlived its timeout and is still outstanding: say so again and check back later.
    private void NoteStillHung()
    {
        Fail(new CollectTimeoutException(
            $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) has still not returned after its timeout of {_context.Options.CollectTimeout.TotalMilliseconds} ms; no new call starts until it does."));
        ArmCollect();
    }

    // One lock acquisition per collection. The source is rented for the call (reused while no call cancelled it), so a
    // synchronous call allocates nothing. A call outstanding: collect again when it returns (and report whether it
    // outlived its timeout).
    private bool TryBeginCall(out CollectCall call, out CancellationToken token, out bool stillHung)
    {
        call = default;
        token = default;
        stillHung = false;
        lock (this)
        {
            if (_stopped)
            {
                return false;
            }

            if (_busy)
            {
                _pending = true;
                stillHung = _timedOut;
                return false;
            }

            _busy = true;
            _pending = false;
            _timedOut = false;
            _cts = _context.Collectors.RentSource();
            call = new CollectCall(++_currentCall, Volatile.Read(ref _epoch));
            token = _cts.Token;
            return true;
        }
    }

    private void CompleteLater(ValueTask<TObserved> collect, CollectCall call) =>
        collect.AsTask().ContinueWith(
            static (task, state) =>
            {
                var (loop, call) = ((CollectorLoop<TDesired, TObserved>, CollectCall))state!;
                if (task.IsCompletedSuccessfully)
                {
                    loop.Completed(call, task.Result, null, timeoutArmed: true);
                }
                else
                {
                    loop.Completed(call, default!, task.Exception?.InnerException ?? new OperationCanceledException("CollectAsync was cancelled."), timeoutArmed: true);
                }
            },
            (this, call),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void OnTimeout()
    {
        CancellationTokenSource? call;
        lock (this)
        {
            if (!_busy || _timedOut || _stopped)
            {
                return;
            }

            _timedOut = true;
            call = _cts;
            _cts = null; // the next call gets a new source: this one is cancelled outside the lock
        }

        Fail(new CollectTimeoutException(
            $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) did not return within {_context.Options.CollectTimeout.TotalMilliseconds} ms; it was cancelled."));
        ArmCollect();
        Cancel(call);
    }

    private void Completed(CollectCall call, TObserved value, Exception? error, bool timeoutArmed)
    {
        bool again;
        bool rearm;
        bool record;
        CancellationTokenSource? source;
        lock (this)
        {
            if (call.Id != _currentCall || !_busy)
            {
                return;
            }

            // A cancellation caused by our own timeout was already recorded as the timeout.
            record = error is null || !(_timedOut && error is OperationCanceledException);
            _busy = false;
            _timedOut = false;
            again = _pending && !_stopped;
            rearm = !again && !_stopped;
            source = _cts; // null once a timeout or a stop cancelled it
            _cts = null;
        }

        _context.Collectors.ReturnSource(source);
        if (timeoutArmed)
        {
            DisarmTimeout();
        }

        long completedAt = _context.Time.GetTimestamp(); // one clock read: the observation's time and the next due time
        if (error is null)
        {
            _record.WriteSuccess(value, _context.Wall.UtcAt(completedAt));
            Volatile.Write(ref _observedEpoch, call.Epoch); // after the observation: see ObservedEpoch
            Observed();
        }
        else if (record)
        {
            Fail(error);
        }

        if (again)
        {
            Collect();
        }
        else if (rearm)
        {
            _context.Collectors.ArmCollect(this, completedAt);
        }
    }

    /// <summary>A collection (or its failure) was written to the record: the worker decides on it (a parked one is woken).</summary>
    private protected abstract void Observed();

    private void Fail(Exception error)
    {
        int failures = _record.WriteFailure(error);
        Observed();
        _context.Metrics.CollectorError(_record.Identity.WorkerType);
        if (failures == 1 || failures % 10 == 0)
        {
            Log.CollectFailed(_context.Logger, error, _record.Identity.Id, _record.Identity.WorkerType, failures);
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

    /// <summary>One call of <c>CollectAsync</c>: its number, and the decision epoch when it started (what its observation describes).</summary>
    private readonly record struct CollectCall(long Id, long Epoch);
}
