namespace FsmV2;

/// <summary>
/// Everything a state may look at when it decides: who the worker is, what it should be doing, what it last
/// observed and when, and whether it has been asked to shut down. States receive it by <c>in</c> reference;
/// it is a value type so that building one costs nothing on the tick.
/// </summary>
public readonly struct Snapshot<TDesired, TObserved>
{
    private readonly IReadOnlyList<ActionResult>? _recentActions;
    private readonly ActionHistory? _history; // the supervisor's: the worker's ring and the count at this decision
    private readonly long _actionsTotal;

    /// <summary>Creates a snapshot. The supervisor builds them; tests of state methods may too.</summary>
    public Snapshot(
        WorkerIdentity identity,
        TDesired desired,
        TObserved observed,
        DateTimeOffset collectedAt,
        DateTimeOffset now,
        bool shutdownRequested,
        Exception? collectError = null,
        IReadOnlyList<ActionResult>? recentActions = null)
    {
        Identity = identity;
        Desired = desired;
        Observed = observed;
        CollectedAt = collectedAt;
        Now = now;
        ShutdownRequested = shutdownRequested;
        CollectError = collectError;
        _recentActions = recentActions;
    }

    // The supervisor's: the window of recent actions is built only if a state reads it.
    internal Snapshot(WorkerIdentity identity, TDesired desired, TObserved observed, DateTimeOffset collectedAt, DateTimeOffset now, bool shutdownRequested, Exception? collectError, ActionHistory? history)
        : this(identity, desired, observed, collectedAt, now, shutdownRequested, collectError)
    {
        _history = history;
        _actionsTotal = history?.Total ?? 0;
    }

    /// <summary>Who the worker is.</summary>
    public WorkerIdentity Identity { get; }

    /// <summary>What the worker should be doing, derived from its spec.</summary>
    public TDesired Desired { get; }

    /// <summary>The last successful observation.</summary>
    public TObserved Observed { get; }

    /// <summary>When <see cref="Observed"/> was collected.</summary>
    public DateTimeOffset CollectedAt { get; }

    /// <summary>The supervisor's time for this tick.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>How old <see cref="Observed"/> is at this tick.</summary>
    public TimeSpan ObservationAge => Now - CollectedAt;

    /// <summary>
    /// The worker has been asked to stop (it is being removed, or its supervisor is shutting down). States
    /// check this first and head for a state that can signal <see cref="Signal.Remove"/>.
    /// </summary>
    public bool ShutdownRequested { get; }

    /// <summary>
    /// The error of the most recent collection when it failed or timed out after <see cref="Observed"/> was
    /// collected; <see langword="null"/> when the most recent collection succeeded.
    /// </summary>
    public Exception? CollectError { get; }

    /// <summary>
    /// The worker's most recent action results, oldest first (at most
    /// <see cref="SupervisorOptions.ActionHistoryLength"/>), so states can decide on how their actions went. The list
    /// is built when first read, as of this decision; a snapshot kept and first read after
    /// <see cref="SupervisorOptions.ActionHistoryLength"/> more of the worker's actions have ended lacks the results overwritten since.
    /// </summary>
    public IReadOnlyList<ActionResult> RecentActions => _history is { } history ? history.Window(_actionsTotal) : _recentActions ?? [];

    /// <summary>
    /// The worker's parent wants it stopped but resident (the parent is stopping, or this child is disabled).
    /// States head for a stopped state and stay there; unlike <see cref="ShutdownRequested"/> the worker is not
    /// leaving.
    /// </summary>
    public bool StopRequested { get; init; }

    /// <summary>For a parent worker: how its children are doing at this tick. Empty for workers without children.</summary>
    public ChildrenView Children { get; init; }

    /// <summary>The most recent action result, or <see langword="null"/> if no action has run yet.</summary>
    public ActionResult? LastAction => _history is { } history ? history.At(_actionsTotal) : _recentActions is { Count: > 0 } r ? r[r.Count - 1] : null;
}
