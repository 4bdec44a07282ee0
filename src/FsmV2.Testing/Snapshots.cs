namespace FsmV2.Testing;

/// <summary>Starts a <see cref="SnapshotBuilder{TDesired, TObserved}"/>: <c>Snapshots.Of(desired, observed)</c>.</summary>
public static class Snapshots
{
    /// <summary>
    /// A snapshot of <paramref name="desired"/> and <paramref name="observed"/> with the defaults of
    /// <see cref="SnapshotBuilder{TDesired, TObserved}"/>; change any of them with its <c>With…</c> calls.
    /// </summary>
    public static SnapshotBuilder<TDesired, TObserved> Of<TDesired, TObserved>(TDesired desired, TObserved observed) => new(desired, observed);
}

/// <summary>
/// Builds a <see cref="Snapshot{TDesired, TObserved}"/> for a state test. Defaults: identity <c>test</c> of type
/// <c>Worker</c>, now and collected at <see cref="DateTimeOffset.UnixEpoch"/> (a fresh observation), no shutdown or stop
/// requested, no collect error, no recent actions and no children. Each <c>With…</c> returns a new builder, so one
/// base builder can be shared; it converts to a snapshot implicitly (or with <see cref="Build"/>).
/// </summary>
/// <typeparam name="TDesired">The worker's desired type.</typeparam>
/// <typeparam name="TObserved">The worker's observed type.</typeparam>
public sealed record SnapshotBuilder<TDesired, TObserved>
{
    internal SnapshotBuilder(TDesired desired, TObserved observed)
    {
        Desired = desired;
        Observed = observed;
    }

    /// <summary>The desired state.</summary>
    public TDesired Desired { get; init; }

    /// <summary>The observed state.</summary>
    public TObserved Observed { get; init; }

    /// <summary>The worker's identity (default <c>test</c>, of type <c>Worker</c>).</summary>
    public WorkerIdentity Identity { get; init; } = new("test", "Worker");

    /// <summary>The time of the tick (default <see cref="DateTimeOffset.UnixEpoch"/>).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>How old the observation is at <see cref="Now"/> (default zero).</summary>
    public TimeSpan ObservationAge { get; init; }

    /// <summary>Whether the worker is asked to shut down.</summary>
    public bool ShutdownRequested { get; init; }

    /// <summary>Whether the worker's parent wants it stopped.</summary>
    public bool StopRequested { get; init; }

    /// <summary>The last collector error, if any.</summary>
    public Exception? CollectError { get; init; }

    /// <summary>The worker's recent action results, oldest first.</summary>
    public IReadOnlyList<ActionResult> RecentActions { get; init; } = [];

    /// <summary>How the worker's children are doing.</summary>
    public ChildrenView Children { get; init; }

    /// <summary>A copy with desired state <paramref name="desired"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithDesired(TDesired desired) => this with { Desired = desired };

    /// <summary>A copy with observed state <paramref name="observed"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithObserved(TObserved observed) => this with { Observed = observed };

    /// <summary>A copy with the shutdown request set (or cleared).</summary>
    public SnapshotBuilder<TDesired, TObserved> WithShutdownRequested(bool requested = true) => this with { ShutdownRequested = requested };

    /// <summary>A copy with the parent's stop request set (or cleared).</summary>
    public SnapshotBuilder<TDesired, TObserved> WithStopRequested(bool requested = true) => this with { StopRequested = requested };

    /// <summary>A copy whose observation is <paramref name="age"/> old at <see cref="Now"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="age"/> is negative.</exception>
    public SnapshotBuilder<TDesired, TObserved> WithObservationAge(TimeSpan age)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero);
        return this with { ObservationAge = age };
    }

    /// <summary>A copy at time <paramref name="now"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> At(DateTimeOffset now) => this with { Now = now };

    /// <summary>A copy with the collector error <paramref name="error"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithCollectError(Exception? error) => this with { CollectError = error };

    /// <summary>A copy whose recent actions are <paramref name="results"/>, oldest first.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithRecentActions(params ActionResult[] results) => this with { RecentActions = [.. results] };

    /// <summary>A copy whose last action <paramref name="action"/> ended with <paramref name="outcome"/> at <see cref="Now"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithLastAction(string action, ActionOutcome outcome, Exception? error = null) =>
        this with { RecentActions = [.. RecentActions, new ActionResult(action, outcome, TimeSpan.Zero, error, Now)] };

    /// <summary>A copy with children <paramref name="children"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithChildren(ChildrenView children) => this with { Children = children };

    /// <summary>A copy with identity <paramref name="id"/> of type <paramref name="workerType"/>.</summary>
    public SnapshotBuilder<TDesired, TObserved> WithIdentity(string id, string workerType) => this with { Identity = new WorkerIdentity(id, workerType) };

    /// <summary>The snapshot.</summary>
    public Snapshot<TDesired, TObserved> Build() =>
        new(Identity, Desired, Observed, Now - ObservationAge, Now, ShutdownRequested, CollectError, RecentActions)
        {
            StopRequested = StopRequested,
            Children = Children,
        };

    /// <summary>The snapshot <paramref name="builder"/> builds.</summary>
    public static implicit operator Snapshot<TDesired, TObserved>(SnapshotBuilder<TDesired, TObserved> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Build();
    }
}
