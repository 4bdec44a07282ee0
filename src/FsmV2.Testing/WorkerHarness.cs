using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Testing;

/// <summary>
/// One worker under a real <see cref="FsmV2.Supervisor"/> on a fake clock, driven by the test: <see cref="Tick"/> and
/// <see cref="Advance"/> move time, <see cref="Observe"/> scripts what the worker observes (collected before every
/// tick), <see cref="CompleteActionAsync"/> and <see cref="FailActionAsync"/> end the action the worker asked for, and
/// the <c>Assert…</c> calls check the transitions, actions and signals it decided (<see cref="Events"/>). Every declared
/// transition taken is recorded in <see cref="Coverage"/>.
/// </summary>
/// <typeparam name="TDesired">The worker's desired type.</typeparam>
/// <typeparam name="TObserved">The worker's observed type.</typeparam>
public sealed class WorkerHarness<TDesired, TObserved> : IAsyncDisposable
{
    private readonly ScriptedWorker<TDesired, TObserved> _worker;
    private readonly List<HarnessEvent> _events = [];
    private readonly ActionPool _pool = new(maxConcurrency: 1, queueLength: 16);
    private readonly TimeSpan _tick;
    private readonly TimeSpan _waitTimeout;
    private volatile bool _disposing;

    /// <summary>
    /// Adds <paramref name="worker"/> with <paramref name="spec"/> to a new supervisor on a fake clock, observing
    /// <paramref name="observed"/> until the test scripts otherwise. The worker starts in its initial state; nothing is
    /// decided before the first <see cref="Tick"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="WorkerHarnessOptions.Coverage"/> is for another worker type.</exception>
    public WorkerHarness(IWorkerMachine<TDesired, TObserved> worker, TDesired spec, TObserved observed, WorkerHarnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        options ??= new WorkerHarnessOptions();
        Definition = worker.Definition;
        Coverage = options.Coverage ?? new TransitionCoverage(Definition);
        if (Coverage.Definition.WorkerType != Definition.WorkerType)
        {
            throw new ArgumentException(
                $"WorkerHarnessOptions.Coverage counts {Coverage.Definition.WorkerType}, but the harness runs {Definition.WorkerType}.", nameof(options));
        }

        SupervisorOptions supervisorOptions = options.SupervisorOptions();
        _tick = supervisorOptions.TickInterval;
        _waitTimeout = options.WaitTimeout;
        _worker = new ScriptedWorker<TDesired, TObserved>(worker, observed, options.RunActions, Decided);
        Supervisor = new Supervisor(supervisorOptions, Time, options.Logger, _pool);
        Handle = Supervisor.AddWorker(options.Id, _worker, spec);
    }

    /// <summary>The fake clock (starts at 2026-01-01 00:00 UTC).</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The supervisor, for anything the harness does not wrap.</summary>
    public Supervisor Supervisor { get; }

    /// <summary>The worker's handle.</summary>
    public WorkerHandle<TDesired, TObserved> Handle { get; }

    /// <summary>The worker type's states, transitions and actions.</summary>
    public WorkerDefinition Definition { get; }

    /// <summary>The declared transitions taken (shared when <see cref="WorkerHarnessOptions.Coverage"/> was given).</summary>
    public TransitionCoverage Coverage { get; }

    /// <summary>The worker's current state.</summary>
    public string State => Handle.Status.State;

    /// <summary>The action in flight, or <see langword="null"/>.</summary>
    public string? PendingAction => Handle.Status.ActionInFlight;

    /// <summary>Whether the worker has left the supervisor (it signalled <see cref="Signal.Remove"/>).</summary>
    public bool IsRemoved => Handle.IsRemoved;

    /// <summary>Everything the worker decided except to stay, oldest first.</summary>
    public IReadOnlyList<HarnessEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>From the next collection on (the one before the next <see cref="Tick"/>), the worker observes <paramref name="observed"/>.</summary>
    public void Observe(TObserved observed) => _worker.Observed = observed;

    /// <summary>Gives the worker a new spec; its desired state changes at once.</summary>
    public void UpdateSpec(TDesired spec) => Handle.UpdateSpec(spec);

    /// <summary>Asks the worker to shut down (<see cref="Snapshot{TDesired, TObserved}.ShutdownRequested"/>); its running action is cancelled.</summary>
    public void RequestShutdown() => Supervisor.RemoveWorker(Handle.Id);

    /// <summary>Advances the clock by one tick interval (the collector runs) and ticks, <paramref name="ticks"/> times.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ticks"/> is negative.</exception>
    public void Tick(int ticks = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ticks);
        for (int i = 0; i < ticks; i++)
        {
            Time.Advance(_tick);
            Supervisor.Tick();
        }
    }

    /// <summary>Advances the clock by <paramref name="by"/> without ticking: collectors, action timeouts and other timers fire.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>Ends the action in flight successfully and waits (bounded) until the supervisor has recorded it and collected.</summary>
    /// <exception cref="HarnessAssertionException">No action started within <see cref="WorkerHarnessOptions.WaitTimeout"/>.</exception>
    public Task CompleteActionAsync() => EndActionAsync(done => done.TrySetResult());

    /// <summary>Ends the action in flight with <paramref name="error"/> and waits (bounded) until the supervisor has recorded it.</summary>
    /// <exception cref="HarnessAssertionException">No action started within <see cref="WorkerHarnessOptions.WaitTimeout"/>.</exception>
    public Task FailActionAsync(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return EndActionAsync(done => done.TrySetException(error));
    }

    /// <summary>Fails unless the worker is in <paramref name="state"/>.</summary>
    /// <exception cref="HarnessAssertionException">It is in another state.</exception>
    public void AssertState(string state)
    {
        if (State != state)
        {
            Fail($"Expected {Definition.WorkerType} in {state}, but it is in {State}.");
        }
    }

    /// <summary>Fails unless the worker is in <paramref name="state"/> (the generated <c>State</c> enum).</summary>
    /// <exception cref="HarnessAssertionException">It is in another state.</exception>
    public void AssertState<TState>(TState state)
        where TState : struct, Enum => AssertState(state.ToString());

    /// <summary>Fails unless the worker went from <paramref name="from"/> to <paramref name="to"/> at least once.</summary>
    /// <exception cref="HarnessAssertionException">It never did.</exception>
    public void AssertTransitioned(string from, string to) =>
        AssertHappened(HarnessEventKind.Transition, from, to, $"a transition {from} -> {to}");

    /// <summary>Fails unless the worker went from <paramref name="from"/> to <paramref name="to"/> (the generated <c>State</c> enum).</summary>
    /// <exception cref="HarnessAssertionException">It never did.</exception>
    public void AssertTransitioned<TState>(TState from, TState to)
        where TState : struct, Enum => AssertTransitioned(from.ToString(), to.ToString());

    /// <summary>Fails unless the worker asked for action <paramref name="action"/> at least once.</summary>
    /// <exception cref="HarnessAssertionException">It never did.</exception>
    public void AssertActionRequested(string action) =>
        AssertHappened(HarnessEventKind.Action, null, action, $"action {action}");

    /// <summary>Fails unless the worker asked for action <paramref name="action"/> (the generated <c>Act</c> enum).</summary>
    /// <exception cref="HarnessAssertionException">It never did.</exception>
    public void AssertActionRequested<TAct>(TAct action)
        where TAct : struct, Enum => AssertActionRequested(action.ToString());

    /// <summary>Fails unless the worker signalled <paramref name="signal"/> at least once.</summary>
    /// <exception cref="HarnessAssertionException">It never did.</exception>
    public void AssertSignalled(Signal signal) =>
        AssertHappened(HarnessEventKind.Signal, null, signal.ToString(), $"signal {signal}");

    /// <summary>
    /// Shuts the supervisor down on the fake clock (a waiting action is cancelled at the shutdown timeout). What the
    /// worker decides while it winds down is neither in <see cref="Events"/> nor in <see cref="Coverage"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        Task shutdown = Supervisor.ShutdownAsync();
        for (int i = 0; i < 1_000 && !shutdown.IsCompleted; i++)
        {
            Time.Advance(_tick);
        }

        await shutdown.WaitAsync(_waitTimeout).ConfigureAwait(false);
        await Supervisor.DisposeAsync().ConfigureAwait(false);
    }

    private async Task EndActionAsync(Action<TaskCompletionSource> end)
    {
        Task recorded = Handle.ActionCompletion;
        ScriptedWorker<TDesired, TObserved>.PendingAction pending = await _worker.TakeStartedAsync(_waitTimeout).ConfigureAwait(false);
        end(pending.Done);
        await recorded.WaitAsync(_waitTimeout).ConfigureAwait(false);
    }

    private void Decided(int state, Next next)
    {
        if (_disposing)
        {
            return;
        }

        string from = Definition.GetStateName(state);
        HarnessEvent? happened = next.Kind switch
        {
            NextKind.Goto when Definition.IsDeclared(state, next.State) => new(HarnessEventKind.Transition, from, Definition.GetStateName(next.State), next.Reason, Time.GetUtcNow()),
            NextKind.Goto => new(HarnessEventKind.RefusedTransition, from, next.State >= 0 && next.State < Definition.StateCount ? Definition.GetStateName(next.State) : next.State.ToString(System.Globalization.CultureInfo.InvariantCulture), next.Reason, Time.GetUtcNow()),
            NextKind.Do => new(HarnessEventKind.Action, from, Definition.GetActionName(next.Action), next.Reason, Time.GetUtcNow()),
            NextKind.Signal => new(HarnessEventKind.Signal, from, next.Signal.ToString(), next.Reason, Time.GetUtcNow()),
            _ => null,
        };
        if (happened is null)
        {
            return;
        }

        if (happened.Kind == HarnessEventKind.Transition)
        {
            Coverage.Record(happened.State, happened.Target);
        }

        lock (_events)
        {
            _events.Add(happened);
        }
    }

    private void AssertHappened(HarnessEventKind kind, string? state, string target, string what)
    {
        if (!Events.Any(e => e.Kind == kind && e.Target == target && (state is null || e.State == state)))
        {
            Fail($"Expected {what} of {Definition.WorkerType}, but it never happened.");
        }
    }

    private void Fail(string message)
    {
        IReadOnlyList<HarnessEvent> events = Events;
        string history = events.Count == 0 ? "nothing but Stay" : string.Join("; ", events);
        throw new HarnessAssertionException($"{message} It decided: {history}.");
    }
}
