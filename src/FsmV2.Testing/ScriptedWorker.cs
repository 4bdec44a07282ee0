namespace FsmV2.Testing;

/// <summary>
/// Wraps a worker for a harness: its states decide (and every decision is recorded), its observations come from the
/// script, and its actions wait for the test (or run the worker's own code with <see cref="WorkerHarnessOptions.RunActions"/>).
/// </summary>
internal sealed class ScriptedWorker<TDesired, TObserved> : IWorkerMachine<TDesired, TObserved>
{
    private readonly IWorkerMachine<TDesired, TObserved> _inner;
    private readonly bool _runActions;
    private readonly Action<int, Next> _decided;
    private readonly object _gate = new();
    private TObserved _observed;
    private TaskCompletionSource<PendingAction> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedWorker(IWorkerMachine<TDesired, TObserved> inner, TObserved observed, bool runActions, Action<int, Next> decided)
    {
        _inner = inner;
        _observed = observed;
        _runActions = runActions;
        _decided = decided;
    }

    public WorkerDefinition Definition => _inner.Definition;

    public TObserved Observed
    {
        get { lock (_gate) { return _observed; } }
        set { lock (_gate) { _observed = value; } }
    }

    public ValueTask<TObserved> CollectAsync(TDesired desired, CancellationToken ct) => ValueTask.FromResult(Observed);

    public TDesired DeriveDesired(TDesired spec) => _inner.DeriveDesired(spec);

    public Next Decide(int state, in Snapshot<TDesired, TObserved> snapshot)
    {
        Next next = _inner.Decide(state, in snapshot);
        _decided(state, next);
        return next;
    }

    public Task RunActionAsync(int action, TDesired desired, CancellationToken ct)
    {
        if (_runActions)
        {
            return _inner.RunActionAsync(action, desired, ct);
        }

        var pending = new PendingAction(Definition.GetActionName(action), ct);
        lock (_gate)
        {
            _started.TrySetResult(pending);
        }

        return pending.Done.Task;
    }

    /// <summary>Waits (bounded) until the action the tick asked for has started on the pool, and takes it.</summary>
    public async Task<PendingAction> TakeStartedAsync(TimeSpan timeout)
    {
        Task<PendingAction> started;
        lock (_gate)
        {
            started = _started.Task;
        }

        try
        {
            return await started.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new HarnessAssertionException($"No action of {Definition.WorkerType} started within {timeout.TotalSeconds:0.#} s; did a tick ask for one (harness.PendingAction)?");
        }
        finally
        {
            lock (_gate)
            {
                if (_started.Task == started && started.IsCompleted)
                {
                    _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    /// <summary>An action waiting for the test; cancelled with the action's token.</summary>
    internal sealed class PendingAction
    {
        public PendingAction(string name, CancellationToken ct)
        {
            Name = name;
            ct.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), Done);
        }

        public string Name { get; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
