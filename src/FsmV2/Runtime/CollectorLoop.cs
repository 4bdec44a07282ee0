using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// One worker's sensor loop: calls <c>CollectAsync</c> every <see cref="SupervisorOptions.CollectInterval"/>
/// (or at once when asked), bounded by <see cref="SupervisorOptions.CollectTimeout"/>, and writes each result to
/// the store with the time it was collected. It runs beside the tick, never on it: a collector that throws or
/// hangs is recorded as an error on the observation and never stops the tick.
/// </summary>
internal sealed class CollectorLoop<TDesired, TObserved> : IDisposable
{
    private readonly IWorkerMachine<TDesired, TObserved> _machine;
    private readonly WorkerRecord<TDesired, TObserved> _record;
    private readonly Func<long> _epoch;
    private readonly TimeProvider _time;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private CancellationTokenSource? _wake;
    private int _pending;
    private Task? _hung;
    private Task _loop = Task.CompletedTask;

    public CollectorLoop(
        IWorkerMachine<TDesired, TObserved> machine,
        WorkerRecord<TDesired, TObserved> record,
        Func<long> epoch,
        TimeProvider time,
        SupervisorOptions options,
        ILogger logger)
    {
        _machine = machine;
        _record = record;
        _epoch = epoch;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>Starts the loop; the first collection begins at once, on the caller's thread until it first awaits.</summary>
    public void Start() => _loop = RunAsync();

    /// <summary>
    /// Collects again now instead of at the next interval. With <paramref name="inline"/> the collection may run
    /// on the caller's thread (used when an action completes); otherwise it is started on the thread pool (used
    /// from the tick, which must never run user code other than states).
    /// </summary>
    public void TriggerNow(bool inline)
    {
        Volatile.Write(ref _pending, 1);
        CancellationTokenSource? wake = Volatile.Read(ref _wake);
        if (wake is null)
        {
            return;
        }

        try
        {
            if (inline)
            {
                wake.Cancel();
            }
            else
            {
                _ = wake.CancelAsync();
            }
        }
        catch (ObjectDisposedException)
        {
            // The loop already woke up and will see _pending.
        }
    }

    /// <summary>Stops the loop and returns when it has ended. A hung <c>CollectAsync</c> is abandoned, not awaited.</summary>
    public Task StopAsync()
    {
        _stop.Cancel();
        TriggerNow(inline: false);
        return _loop;
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Volatile.Write(ref _pending, 0);
            await CollectOnceAsync(stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                break;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Volatile.Write(ref _wake, wake);
            if (Volatile.Read(ref _pending) == 0)
            {
                try
                {
                    await Task.Delay(_options.CollectInterval, _time, wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Woken early by TriggerNow, or stopping.
                }
            }

            Volatile.Write(ref _wake, null);
        }
    }

    private async Task CollectOnceAsync(CancellationToken stop)
    {
        if (_hung is { IsCompleted: false })
        {
            Fail(new TimeoutException(
                $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) has still not returned after its timeout of {_options.CollectTimeout.TotalMilliseconds} ms; not starting another call until it does."));
            return;
        }

        _hung = null;
        long epoch = _epoch();
        using var timeout = new CancellationTokenSource(_options.CollectTimeout, _time);
        using CancellationTokenRegistration link = stop.Register(static s => ((CancellationTokenSource)s!).Cancel(), timeout);

        Task<TObserved> pending;
        try
        {
            ValueTask<TObserved> collect = _machine.CollectAsync(_record.Desired, timeout.Token);
            if (collect.IsCompletedSuccessfully)
            {
                _record.WriteSuccess(collect.Result, _time.GetUtcNow(), epoch);
                return;
            }

            pending = collect.AsTask();
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            Fail(ex);
            return;
        }
        catch (Exception)
        {
            return; // Stopping: nothing to record.
        }

        try
        {
            TObserved value = await pending.WaitAsync(_options.CollectTimeout, _time, stop).ConfigureAwait(false);
            _record.WriteSuccess(value, _time.GetUtcNow(), epoch);
        }
        catch (TimeoutException)
        {
            _hung = pending;
            await timeout.CancelAsync().ConfigureAwait(false);
            Fail(new TimeoutException(
                $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) did not return within {_options.CollectTimeout.TotalMilliseconds} ms."));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Fail(new TimeoutException(
                $"CollectAsync of worker '{_record.Identity.Id}' ({_record.Identity.WorkerType}) was cancelled by its timeout of {_options.CollectTimeout.TotalMilliseconds} ms."));
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception error)
    {
        _record.WriteFailure(error);
        int failures = _record.Observation.ConsecutiveFailures;
        if (failures == 1 || failures % 10 == 0)
        {
            Log.CollectFailed(_logger, error, _record.Identity.Id, _record.Identity.WorkerType, failures);
        }
    }
}
