using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsmV2;

/// <summary>
/// Ticks workers on a fixed interval, keeps each one's collector observing, runs their actions in the
/// <see cref="ActionPool"/>, honours their <see cref="Signal"/>s, and shuts them down gracefully.
/// </summary>
/// <remarks>
/// Per tick, for each worker: skip it while an action is in flight, until an observation collected after that
/// action's completion has arrived, or while its observation is stale; otherwise evaluate its current state and
/// apply the decision. The tick never waits on I/O and allocates nothing in steady state. Time comes from the
/// injected <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </remarks>
public sealed class Supervisor : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly object _tickGate = new();
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SupervisorContext _context;
    private readonly LiveList<WorkerSlot> _slots = new();
    private readonly List<WorkerSlot> _gone = []; // the tick's: workers that left during it
    private volatile bool _shuttingDown;
    private int _running;
    private long _ticks;

    /// <summary>Creates a supervisor.</summary>
    /// <param name="options">Pacing and bounds; validated now. Defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where transitions, faults and shutdown are logged; nothing when <see langword="null"/>.</param>
    /// <param name="actionPool">The pool actions run in; <see cref="ActionPool.Shared"/> when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>FsmV2</c> meter (hosts pass theirs); a process-wide meter when <see langword="null"/>.</param>
    /// <param name="store">Where every worker's record is kept; a new <see cref="InMemoryWorkerStore"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public Supervisor(SupervisorOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, ActionPool? actionPool = null, IMeterFactory? meterFactory = null, IWorkerStore? store = null)
    {
        Store = store ?? new InMemoryWorkerStore();
        _options = (options ?? new SupervisorOptions()).Clone();
        _options.Validate();
        Recorder = new FlightRecorder(_options.Recorder);
        Recorder.Attach(id => (FindRoot(id) ?? FindChild(id)?.Slot) as IDecisionWriter, () => GetStatus().Select(static s => s.Id));
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        ActionPool pool = actionPool ?? ActionPool.Shared;
        var metrics = new SupervisorMetrics(meterFactory);
        metrics.Observe(openCircuits: () => Sum(static s => s.OpenCircuitCount), children: () => Sum(static s => s.DescendantCount), pool,
            storePending: () => (Store as IPersistentWorkerStore)?.Status.PendingWrites ?? 0);
        _context = new SupervisorContext(Store, pool, _time, _options, _logger, metrics, new InfrastructureHealthChecker(_options.SanityChecks), RaiseEscalated,
            _options.ActionRetryBackoff is { } retry ? new BackoffPolicy(retry) : null, new BackoffPolicy(_options.Circuit.Backoff), new CollectorScheduler(_time, _options))
        {
            Recorder = Recorder,
        };
    }

    /// <summary>
    /// Raised when a circuit of any worker in the tree has failed its last allowed attempt
    /// (<see cref="CircuitBreakerOptions.MaxAttempts"/>) — the moment the <c>ESCALATION</c> error is logged and
    /// <c>fsmv2.escalations</c> counts — so a host can act: page someone, fail a readiness check, stop the
    /// process. The argument names the worker, the error scope, the attempts, the downtime and the runbook steps.
    /// </summary>
    /// <remarks>
    /// Handlers run on the tick's thread and must return quickly. Each handler is called on its own; one that
    /// throws is logged (with the worker's id) and neither stops the others nor the tick.
    /// </remarks>
    public event EventHandler<EscalationMessage>? Escalated;

    /// <summary>The identity, desired and observed state of every worker (the store given to the constructor, or an in-memory one).</summary>
    public IWorkerStore Store { get; }

    /// <summary>Every worker's last decisions, children included (<see cref="SupervisorOptions.Recorder"/>). Safe from any thread.</summary>
    public FlightRecorder Recorder { get; }

    /// <summary>Number of workers under supervision.</summary>
    public int Count => _slots.Count;

    /// <summary>Number of ticks run so far.</summary>
    public long TickCount => Interlocked.Read(ref _ticks);

    /// <summary>Whether a shutdown has been requested.</summary>
    public bool IsShuttingDown => _shuttingDown;

    /// <summary>
    /// Adds a worker. Its desired state is derived from <paramref name="spec"/> now, and its collector starts at
    /// once; it first decides on the tick after its first observation.
    /// </summary>
    /// <param name="id">Unique id of the worker within this supervisor.</param>
    /// <param name="worker">The worker (a <c>[Worker]</c> partial class).</param>
    /// <param name="spec">The worker's spec, from which its desired state is derived.</param>
    /// <exception cref="ArgumentException">The id is empty or already in use.</exception>
    /// <exception cref="InvalidOperationException">The supervisor is shutting down, or <c>DeriveDesired</c> threw.</exception>
    public WorkerHandle<TDesired, TObserved> AddWorker<TDesired, TObserved>(string id, IWorkerMachine<TDesired, TObserved> worker, TDesired spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(worker);
        if (_shuttingDown)
        {
            throw new InvalidOperationException($"Cannot add worker '{id}': the supervisor is shutting down.");
        }

        WorkerDefinition definition = worker.Definition;
        var identity = new WorkerIdentity(id, definition.WorkerType);
        TDesired desired = Derive(worker, identity, spec);
        var record = new WorkerRecord<TDesired, TObserved>(identity, desired, _time.GetUtcNow());
        Store.Add(record);
        var slot = new WorkerSlot<TDesired, TObserved>(worker, record, _context);
        lock (_gate)
        {
            if (_context.Parks is { } parks)
            {
                slot.Placed(_slots.NextPosition);
                parks.Reserve(_slots.NextPosition + 1); // its bit can be woken before the slot is published
            }

            _slots.Add(slot);
            record.SetOwner(slot); // found by id through the store
        }

        Log.WorkerAdded(_logger, id, definition.WorkerType, slot.StateName); // a resumed worker's persisted state
        slot.Start();
        return new WorkerHandle<TDesired, TObserved>(this, slot, _time);
    }

    /// <summary>
    /// Asks worker <paramref name="id"/> to shut down gracefully: its snapshots report
    /// <see cref="Snapshot{TDesired, TObserved}.ShutdownRequested"/>, its running action (if any) is cancelled, and
    /// it leaves when it signals <see cref="Signal.Remove"/>.
    /// </summary>
    /// <returns><see langword="false"/> if there is no such worker.</returns>
    public bool RemoveWorker(string id)
    {
        if (FindRoot(id) is not { } slot)
        {
            return false;
        }

        slot.RequestShutdown(cancelAction: true);
        return true;
    }

    /// <summary>
    /// The status of every worker, in the order they were added, each followed depth first by its children (whose
    /// ids are their parent's id, a slash and their name).
    /// </summary>
    public IReadOnlyList<WorkerStatus> GetStatus()
    {
        DateTimeOffset now = _time.GetUtcNow();
        var all = new List<WorkerStatus>(_slots.Count);
        foreach (WorkerSlot slot in _slots)
        {
            slot.AppendStatus(all, now);
        }

        return all;
    }

    /// <summary>
    /// Totals over every worker and child: supervised, running, failed (a circuit not closed, or a child without a live
    /// instance: failed, waiting to restart or unstartable) and restarts, and a persistent store's status. Safe from any thread.
    /// </summary>
    public SupervisionTotals GetTotals() => GetTotals(GetStatus());

    /// <summary>
    /// Is the tree in service? <see cref="TreeHealthStatus.Unhealthy"/> when a circuit escalated or the supervisor is
    /// shutting down, <see cref="TreeHealthStatus.Degraded"/> while a circuit is open or half-open, an observation is stale
    /// or a persistent store fails its writes, with the workers' ids; the rule of the readiness check and the live page.
    /// Safe from any thread.
    /// </summary>
    public TreeHealth GetHealth() => TreeHealth.Of(this);

    internal SupervisionTotals GetTotals(IReadOnlyList<WorkerStatus> all) => Totals(all) with { Store = (Store as IPersistentWorkerStore)?.Status };

    private static SupervisionTotals Totals(IReadOnlyList<WorkerStatus> all) =>
        new(
            all.Count,
            all.Count(s => s.Phase is LifecyclePhase.RunningHealthy or LifecyclePhase.RunningDegraded && !IsDown(s)),
            all.Count(s => s.Circuit != CircuitState.Closed || IsDown(s)),
            all.Sum(s => s.RestartCount));

    // A child without a live instance: failed and not restarted, waiting to restart, or not creatable.
    private static bool IsDown(WorkerStatus s) =>
        s.Lifecycle is ChildLifecycleState.Failed or ChildLifecycleState.WaitingToRestart or ChildLifecycleState.Unstartable;

    /// <summary>
    /// The supervision tree as text, one worker per line, indented by depth: id, type, state and phase, circuit,
    /// restarts, faults, and the reason of the last decision.
    /// </summary>
    public string PrintTree()
    {
        var text = new System.Text.StringBuilder();
        IReadOnlyList<WorkerStatus> all = GetStatus();
        foreach (WorkerStatus s in all)
        {
            int depth = s.Id.Count(c => c == '/');
            string name = depth == 0 ? s.Id : s.Id[(s.Id.LastIndexOf('/') + 1)..];
            text.Append(' ', depth * 2).Append(depth == 0 ? "" : "└ ").Append(name)
                .Append(" (").Append(s.WorkerType).Append(") ").Append(s.State).Append(" [").Append(s.Phase).Append(']')
                .Append(" circuit=").Append(s.Circuit)
                .Append(" restarts=").Append(s.RestartCount)
                .Append(" faults=").Append(s.FaultCount);
            if (s.ActionInFlight is { } action)
            {
                text.Append(" action=").Append(action);
            }

            text.Append(" — ").Append(s.Reason);
            if (s.LastFault is { } fault)
            {
                text.Append(" (last error: ").Append(fault.Message).Append(')');
            }

            text.Append('\n');
        }

        Totals(all).AppendTo(text);
        return text.ToString();
    }

    /// <summary>The status of worker (or child) <paramref name="id"/>, or <see langword="null"/> if there is none.</summary>
    public WorkerStatus? GetStatus(string id) => GetStatus().FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// Runs one tick over every worker now. <see cref="RunAsync"/> calls this on its interval; tests and
    /// benchmarks may call it directly.
    /// </summary>
    public void Tick()
    {
        lock (_tickGate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_context.Parks is { } parks)
            {
                TickUnparked(parks, now);
            }
            else
            {
                foreach (WorkerSlot slot in _slots)
                {
                    TickOne(slot, now);
                }
            }

            Recorder.Journal.Flush(); // the tick's ring writes, together (DecisionJournal)

            if (_gone.Count > 0)
            {
                DropRemoved(now);
            }

            _context.Parks?.EndTick(now.UtcTicks);
            Interlocked.Increment(ref _ticks);
        }
    }

    // One worker's tick; returns whether it may be parked.
    private bool TickOne(WorkerSlot slot, DateTimeOffset now)
    {
        if (slot.IsRemoved)
        {
            return false; // left on an earlier tick and stopped by force meanwhile (ForceStopAsync)
        }

        bool quiet = TickContained(slot, now);
        if (slot.IsRemoved)
        {
            _gone.Add(slot);
            return false;
        }

        return quiet;
    }

    // SkipUnchangedStays: visits the workers that are not parked and those woken (ParkSet), and parks those whose
    // stay only a change of their inputs could alter. A parked worker's skipped stays are counted when it is visited.
    private void TickUnparked(ParkSet parks, DateTimeOffset now)
    {
        WorkerSlot?[] items = _slots.Published(out int count);
        int tick = parks.BeginTick(count);
        parks.TryReadLastTick(out int last, out long lastAt);
        for (int word = 0, words = (count + 63) >> 6; word < words; word++)
        {
            for (long visit = parks.Visit(word, count, now.UtcTicks, out long wereParked); visit != 0; visit &= visit - 1)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(visit);
                if (items[(word << 6) + bit] is not { IsDropped: false } slot)
                {
                    continue;
                }

                if ((wereParked & (1L << bit)) != 0)
                {
                    slot.Unpark(last, lastAt);
                }

                if (TickOne(slot, now))
                {
                    parks.Park((word << 6) + bit, slot.StaleAtUtcTicks);
                    slot.Parked(tick);
                }
            }
        }
    }

    /// <summary>How many top-level workers are parked (<see cref="SupervisorOptions.SkipUnchangedStays"/>), for tests; between ticks.</summary>
    internal int ParkedCount => _context.Parks?.CountParked() ?? 0;

    /// <summary>The collector scheduler's entries, stale ones included, for tests.</summary>
    internal int PendingCollections => _context.Collectors.Pending;

    // Nothing a worker does ends the tick: an exception is logged with the worker and counted as its fault.
    private bool TickContained(WorkerSlot slot, DateTimeOffset now)
    {
        try
        {
            return slot.Tick(now);
        }
#pragma warning disable CA1031 // Contained to the worker's subtree; the other workers go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.TickFailed(_logger, ex, slot.Identity.Id, slot.Identity.WorkerType, ex.Message);
            slot.RecordFault(ex, "tick", now);
            return false;
        }
    }

    /// <summary>
    /// Both circuits of worker (or child) <paramref name="id"/>, by value, or <see langword="null"/> if there is no
    /// such worker (or the child has no live instance). Safe from any thread.
    /// </summary>
    public WorkerCircuits? GetCircuits(string id) => FindLive(id)?.Supervision.Circuits();

    /// <summary>
    /// Operator action: forces a circuit of worker (or child) <paramref name="id"/> open with no probes, until
    /// <see cref="CloseCircuit"/>. Isolating a worker's fault circuit takes it out of service (it does not decide,
    /// and its parent does not restart it); isolating a parent's infrastructure circuit pauses the parent. Safe from
    /// any thread.
    /// </summary>
    /// <param name="id">The worker's id (a child's is its parent's id, a slash and its name).</param>
    /// <param name="scope"><see cref="ErrorScope.Worker"/> for the fault circuit, <see cref="ErrorScope.Infrastructure"/> for a parent's.</param>
    /// <returns><see langword="false"/> if there is no such worker (or no live instance of the child, or no such circuit: a worker without children has no infrastructure circuit).</returns>
    public bool IsolateCircuit(string id, ErrorScope scope = ErrorScope.Worker)
    {
        CircuitBreaker? breaker = FindLive(id)?.Supervision.Breaker(scope);
        breaker?.Isolate();
        return breaker is not null;
    }

    /// <summary>
    /// Operator action: closes a circuit of worker (or child) <paramref name="id"/> now, ending an isolation or an
    /// outage; if the cause is still there, the next failure opens it again. Safe from any thread.
    /// </summary>
    /// <param name="id">The worker's id.</param>
    /// <param name="scope">Which of its circuits.</param>
    /// <returns><see langword="false"/> if there is no such worker (or no live instance of the child, or no such circuit).</returns>
    public bool CloseCircuit(string id, ErrorScope scope = ErrorScope.Worker)
    {
        CircuitBreaker? breaker = FindLive(id)?.Supervision.Breaker(scope);
        breaker?.Close();
        return breaker is not null;
    }

    /// <summary>
    /// Operator action: restarts worker (or child) <paramref name="id"/> on the next tick. A child is stopped (its
    /// action cancelled) and started anew at once by its parent, alone whatever the parent's strategy, not counted
    /// against the parent's restart intensity; a top-level worker goes back to its initial state and decides again on
    /// a fresh observation. Either way the restart is counted and kept in its history with <paramref name="reason"/>.
    /// Safe from any thread.
    /// </summary>
    /// <param name="id">The worker's id.</param>
    /// <param name="reason">Why, for the log and the restart history.</param>
    /// <returns><see langword="false"/> if there is no such worker.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty.</exception>
    public bool RestartWorker(string id, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        string why = $"operator: {reason}";
        if (FindRoot(id) is { } root)
        {
            Log.OperatorRestart(_logger, id, root.Identity.WorkerType, reason);
            root.RequestRestart(why);
            return true;
        }

        if (FindChild(id) is { } child)
        {
            Log.OperatorRestart(_logger, id, child.Spec.WorkerType, reason);
            child.RequestRestart(why);
            return true;
        }

        return false;
    }

    // By id through the store, which holds every worker's record until it is dropped: O(1). A store that hands out
    // other objects than the records it was given is searched instead.
    private WorkerSlot? FindRoot(string id)
    {
        if (!Store.TryGet(id, out IWorkerRecord? record))
        {
            return null;
        }

        if (record is IOwnedRecord owned)
        {
            return owned.Owner is WorkerSlot { IsDropped: false } slot ? slot : null; // a child's record has no owner
        }

        foreach (WorkerSlot slot in _slots)
        {
            if (slot.Identity.Id == id)
            {
                return slot;
            }
        }

        return null;
    }

    private ChildLifecycle? FindChild(string id)
    {
        foreach (WorkerSlot slot in _slots)
        {
            if (WorkerIdentity.IsBelow(id, slot.Identity.Id) && slot.FindChild(id) is { } child)
            {
                return child;
            }
        }

        return null;
    }

    // The live instance of worker (or child) id.
    private WorkerSlot? FindLive(string id) =>
        FindRoot(id) ?? (FindChild(id) is { } child && (child.IsLive || child.State is ChildLifecycleState.Failed or ChildLifecycleState.Leaving) ? child.Slot : null);

    /// <summary>
    /// Ticks every <see cref="SupervisorOptions.TickInterval"/> until <paramref name="ct"/> is cancelled, then
    /// shuts down gracefully (see <see cref="ShutdownAsync"/>).
    /// </summary>
    /// <remarks>
    /// On <see cref="TimeProvider.System"/> the ticks run on a dedicated background thread named
    /// <c>FsmV2 tick</c>, not on the thread pool, so actions that block pool threads do not delay them; a tick that
    /// falls due while the previous one still runs is run once when it returns, the others missed meanwhile are
    /// skipped. On any other <see cref="TimeProvider"/> the ticks run on its timer (a fake clock's advance ticks
    /// inline). A tick that throws is logged (<c>SupervisorTickFailed</c>) and ticking goes on.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The supervisor is already running.</exception>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("This supervisor is already running.");
        }

        try
        {
            await TickUntilCancelled(TickGuarded, ct).ConfigureAwait(false);
            await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    // On the real clock a dedicated thread (actions that block pool threads cannot starve it); on any other clock its
    // timer, deterministic under a fake clock: its Advance fires the timer, and the tick runs inline.
    private Task TickUntilCancelled(Action tick, CancellationToken ct) =>
        ReferenceEquals(_time, TimeProvider.System) ? TickThread.Start(_time, _options.TickInterval, tick, ct) : TickOnTimerAsync(tick, ct);

    private async Task TickOnTimerAsync(Action tick, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                tick();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Asked to stop: the caller shuts down gracefully.
        }
    }

    private void TickGuarded()
    {
        try
        {
            Tick();
        }
#pragma warning disable CA1031 // Nothing a worker does ends the supervisor: log the failed tick and tick again next interval.
        catch (Exception ex)
        {
            try
            {
                Log.SupervisorTickFailed(_logger, ex, ex.GetType().Name, ex.Message);
            }
            catch (Exception)
            {
                // The logger threw too (it may be what failed the tick): ticking goes on regardless.
            }
        }
#pragma warning restore CA1031
    }

    /// <summary>
    /// Graceful shutdown: every worker is asked to stop, ticking continues until all have signalled
    /// <see cref="Signal.Remove"/>, and after <see cref="SupervisorOptions.ShutdownTimeout"/> (or when
    /// <paramref name="ct"/> is cancelled) the rest are stopped anyway — their actions cancelled, their collectors
    /// ended. No worker is added after this starts.
    /// </summary>
    /// <remarks>
    /// The stop never outlasts <paramref name="ct"/>: once it is cancelled, the workers still stopping (an action
    /// that ignores cancellation has not returned yet) are abandoned without waiting, and a warning names them and
    /// their actions. Their actions keep running in the background until they return (or are abandoned at three
    /// times their timeout). The returned task then completes normally.
    /// </remarks>
    public async Task ShutdownAsync(CancellationToken ct = default)
    {
        try
        {
            await StopAllAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _context.Metrics.StopObserving();
            _context.Collectors.Dispose(); // every collector has stopped: nothing is due any more
        }
    }

    private async Task StopAllAsync(CancellationToken ct)
    {
        _shuttingDown = true;
        (Store as IPersistentWorkerStore)?.OnShutdown(); // keeps every record as it is now: the next process resumes here
        Log.ShutdownRequested(_logger, _slots.Count);
        foreach (WorkerSlot slot in _slots)
        {
            slot.RequestShutdown(cancelAction: false); // in-flight actions drain until the deadline
        }

        await DrainAsync(_time.GetUtcNow() + _options.ShutdownTimeout, ct).ConfigureAwait(false);
        if (_slots.Count == 0)
        {
            return; // every worker left in time
        }

        await ForceStopAsync(ct).ConfigureAwait(false);
    }

    // Ticks (on the same loop as RunAsync) until every worker has left, the deadline has passed or ct is cancelled.
    private async Task DrainAsync(DateTimeOffset deadline, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void TickUntilDone()
        {
            TickGuarded();
            if (_slots.Count == 0 || _time.GetUtcNow() >= deadline)
            {
                done.Cancel();
            }
        }

        TickUntilDone();
        if (!done.IsCancellationRequested)
        {
            await TickUntilCancelled(TickUntilDone, done.Token).ConfigureAwait(false);
        }
    }

    // Stops the workers still there (their actions cancelled, collectors ended) and waits for them, but never past ct.
    private async Task ForceStopAsync(CancellationToken ct)
    {
        WorkerSlot[] remaining;
        lock (_tickGate) // not while a tick walks the list
        {
            lock (_gate)
            {
                remaining = _slots.TakeAll();
            }
        }

        string ids = string.Join(", ", remaining.Select(s => s.Identity.Id));
        if (ct.IsCancellationRequested)
        {
            Log.ShutdownCancelled(_logger, remaining.Length, ids);
        }
        else
        {
            Log.ShutdownDeadline(_logger, _options.ShutdownTimeout.TotalMilliseconds, remaining.Length, ids);
        }

        // Read before the stop, which lets go of the children: what each subtree is running.
        DateTimeOffset now = _time.GetUtcNow();
        string[] running = [.. remaining.Select(s => ActionsInFlight(s, now))];
        var stops = new Task[remaining.Length];
        for (int i = 0; i < remaining.Length; i++)
        {
            Store.Remove(remaining[i].Identity.Id);
            stops[i] = remaining[i].StopAsync(); // cancels at once; completes when the worker's actions have ended
        }

        try
        {
            await Task.WhenAll(stops).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            string[] abandoned = [.. Enumerable.Range(0, stops.Length).Where(i => !stops[i].IsCompleted).Select(i => running[i])];
            Log.ShutdownAbandoned(_logger, abandoned.Length, string.Join(", ", abandoned));
        }
    }

    // "id (action A)" for each worker of the subtree with an action in flight; the worker's own id if none has.
    private static string ActionsInFlight(WorkerSlot slot, DateTimeOffset now)
    {
        var subtree = new List<WorkerStatus>();
        slot.AppendStatus(subtree, now);
        string[] actions = [.. subtree.Where(s => s.ActionInFlight is not null).Select(s => $"{s.Id} (action {s.ActionInFlight})")];
        return actions.Length > 0 ? string.Join(", ", actions) : slot.Identity.Id;
    }

    /// <summary>Shuts down gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_shuttingDown || _slots.Count > 0)
        {
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    private void RaiseEscalated(EscalationMessage message)
    {
        if (Escalated is not { } handlers)
        {
            return;
        }

        foreach (EventHandler<EscalationMessage> handler in handlers.GetInvocationList().Cast<EventHandler<EscalationMessage>>())
        {
            try
            {
                handler(this, message);
            }
#pragma warning disable CA1031 // A failing handler is the host's bug: log it, keep supervising.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.EscalationHandlerFailed(_logger, ex, message.Name, ex.Message);
            }
        }
    }

    // For the gauges: walks the live slots without building statuses.
    private int Sum(Func<WorkerSlot, int> count)
    {
        int sum = 0;
        foreach (WorkerSlot slot in _slots)
        {
            sum += count(slot);
        }

        return sum;
    }

    internal static TDesired Derive<TDesired, TObserved>(IWorker<TDesired, TObserved> worker, WorkerIdentity identity, TDesired spec)
    {
        try
        {
            return worker.DeriveDesired(spec);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Worker '{identity.Id}' ({identity.WorkerType}): DeriveDesired threw {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    // The list compacted: every worker has a new position, and none is parked (each visited on the next tick).
    private void Replace(ParkSet parks, WorkerSlot?[] before, DateTimeOffset now)
    {
        parks.UnparkAll(position => before[position]?.Unpark(parks.Tick, now.UtcTicks)); // this tick's stay counted too
        WorkerSlot?[] items = _slots.Published(out int count);
        for (int i = 0; i < count; i++)
        {
            items[i]?.Placed(i);
        }
    }

    // O(1) per worker that left: a tombstone in the list (compacted once half are), its id and record removed.
    private void DropRemoved(DateTimeOffset now)
    {
        lock (_gate)
        {
            WorkerSlot?[] before = _slots.Published(out _);
            bool compacted = false;
            foreach (WorkerSlot slot in _gone)
            {
                compacted |= _slots.Drop(slot);
            }

            if (compacted && _context.Parks is { } parks)
            {
                Replace(parks, before, now);
            }
        }

        foreach (WorkerSlot slot in _gone)
        {
            Store.Remove(slot.Identity.Id);
            _ = slot.StopAsync();
        }

        _gone.Clear();
    }
}
