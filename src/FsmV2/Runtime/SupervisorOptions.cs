namespace FsmV2;

/// <summary>
/// How a <see cref="Supervisor"/> paces and bounds its workers. Every value is checked by <see cref="Validate"/>
/// when the supervisor is created, so a bad configuration fails at start with the option's name, not later.
/// </summary>
public sealed class SupervisorOptions
{
    /// <summary>How often the supervisor ticks its workers. Default 100 ms.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often each worker's collector observes, unless an action completion asks sooner. Default 1 s.</summary>
    public TimeSpan CollectInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one <c>CollectAsync</c> call may take before it is recorded as timed out. Default 5 s.</summary>
    public TimeSpan CollectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An observation older than this is stale: the worker's decisions pause until a fresh one arrives, so it
    /// never acts on an outdated view of the world. Default 10 s.
    /// </summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The timeout of actions whose <see cref="ActionAttribute.TimeoutMs"/> is not set. Default 30 s.</summary>
    public TimeSpan DefaultActionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a graceful shutdown waits for workers to reach a removable state before it stops them anyway
    /// (cancelling their actions and collectors). Default 30 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recent action results each worker keeps (see <see cref="Snapshot{TDesired, TObserved}.RecentActions"/>). Default 8.</summary>
    public int ActionHistoryLength { get; set; } = 8;

    /// <summary>
    /// Faults (exceptions from a worker's states, collector or derive) that open the worker's circuit when they
    /// happen within <see cref="FaultWindow"/>. Default 3.
    /// </summary>
    public int FaultThreshold { get; set; } = 3;

    /// <summary>The window of <see cref="FaultThreshold"/>. Default 5 minutes.</summary>
    public TimeSpan FaultWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The circuit breakers' thresholds and backoff (exponential with full jitter by default).</summary>
    public CircuitBreakerOptions Circuit { get; set; } = new();

    /// <summary>How many child restarts within a window a parent tolerates before it escalates. Default 3 in 60 s.</summary>
    public RestartIntensityOptions RestartIntensity { get; set; } = new();

    /// <summary>
    /// How long a restarted child must stay running before its restart delay starts again from the first one. A
    /// child's restarts wait with the backoff of <see cref="Circuit"/> (<see cref="CircuitBreakerOptions.Backoff"/>),
    /// growing with each restart while it keeps failing. Default 60 s.
    /// </summary>
    public TimeSpan RestartStabilityWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Extra checks every parent's infrastructure check runs after checking its children (for example "the
    /// broker is reachable"); a failing check opens the parent's infrastructure circuit. None by default.
    /// </summary>
    public IReadOnlyList<ISanityCheck> SanityChecks { get; set; } = [];

    /// <summary>How often an open circuit logs its heartbeat. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Backoff before a worker may start an action again after it failed, timed out or was abandoned: the delay
    /// grows with each consecutive failure of that action (counted from when it ended) and resets when it
    /// succeeds; meanwhile a <c>Do</c> of that action is skipped and the worker keeps deciding. <see langword="null"/>
    /// (the default): no runtime backoff — a worker retries on its next fresh observation and paces itself from
    /// <see cref="Snapshot{TDesired, TObserved}.LastAction"/>.
    /// </summary>
    public BackoffOptions? ActionRetryBackoff { get; set; }

    /// <summary>
    /// The flight recorder's bounds (<see cref="Supervisor.Recorder"/>): on by default, keeping each worker's last 32
    /// decisions; <see cref="FlightRecorderOptions.Capacity"/> 0 turns it off.
    /// </summary>
    public FlightRecorderOptions Recorder { get; set; } = new();

    /// <summary>
    /// Whether the tick skips a worker whose last decision was a stay and whose inputs have not changed since: its
    /// observation (a new collection counts as a change even when it returns an equal value), its desired state, its
    /// shutdown and stop requests. Only for a state the generator found reads no time (neither
    /// <see cref="Snapshot{TDesired, TObserved}.Now"/> nor <see cref="Snapshot{TDesired, TObserved}.ObservationAge"/>,
    /// and it passes its snapshot nowhere and invokes no delegate; <see cref="WorkerDefinition.ReadsTime(int)"/>), and
    /// only for a worker without children, faults or an operator request: such a state would decide the same stay,
    /// so it is not evaluated again, and the flight recorder counts one stay per tick as before. A top-level worker is
    /// <em>parked</em>: the tick does not visit it at all until its next collection (or failed or timed-out one), a
    /// new spec, a removal, a restart or isolation, a fault, or the first tick its observation is older than
    /// <see cref="StaleAfter"/> (found on that tick, as without the option); a tick over a parked fleet costs a few
    /// words per 64 workers. A child is looked at on each of its parent's ticks and skipped there. Default
    /// <see langword="false"/>: every worker is evaluated on every tick. Turn it on for large fleets whose observed
    /// and desired values are immutable; leave it off for a worker whose state reads an object its collector changes
    /// in place, or anything but its snapshot.
    /// </summary>
    public bool SkipUnchangedStays { get; set; }

    /// <summary>The source of backoff jitter; <see cref="System.Random.Shared"/> when <see langword="null"/>. Seed it to reproduce retry times.</summary>
    public Random? Random { get; set; }

    /// <summary>
    /// Checks every option; throws naming the first one that is out of range. The durations the runtime waits on —
    /// <see cref="TickInterval"/>, <see cref="CollectInterval"/>, <see cref="CollectTimeout"/>,
    /// <see cref="DefaultActionTimeout"/>, <see cref="ShutdownTimeout"/> and the backoff delays — must be at most
    /// 49.17:02:47.294 (4294967294 ms), the longest interval a timer accepts; <see cref="TickInterval"/> at least
    /// 1 ms; <see cref="FaultThreshold"/> and <see cref="RestartIntensityOptions.MaxRestarts"/> at most 10000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is zero, negative, too large or inconsistent.</exception>
    public void Validate()
    {
        const string owner = nameof(SupervisorOptions);
        OptionChecks.PositiveWait(TickInterval, owner, nameof(TickInterval));
        if (TickInterval < TimeSpan.FromMilliseconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(TickInterval), TickInterval, $"{owner}.{nameof(TickInterval)} ({TickInterval}) must be at least 1 ms, the shortest period a PeriodicTimer accepts.");
        }

        OptionChecks.PositiveWait(CollectInterval, owner, nameof(CollectInterval));
        OptionChecks.PositiveWait(CollectTimeout, owner, nameof(CollectTimeout));
        OptionChecks.Positive(StaleAfter, owner, nameof(StaleAfter));
        OptionChecks.PositiveWait(DefaultActionTimeout, owner, nameof(DefaultActionTimeout));
        OptionChecks.PositiveWait(ShutdownTimeout, owner, nameof(ShutdownTimeout));
        OptionChecks.Positive(FaultWindow, owner, nameof(FaultWindow));
        OptionChecks.Positive(HeartbeatInterval, owner, nameof(HeartbeatInterval));
        OptionChecks.Positive(RestartStabilityWindow, owner, nameof(RestartStabilityWindow));
        OptionChecks.Remembered(FaultThreshold, 1, owner, nameof(FaultThreshold));

        OptionChecks.NotNull(Circuit, owner, nameof(Circuit));
        OptionChecks.NotNull(SanityChecks, owner, nameof(SanityChecks));
        OptionChecks.NotNull(RestartIntensity, owner, nameof(RestartIntensity));
        OptionChecks.NotNull(Recorder, owner, nameof(Recorder));
        Circuit.Validate();
        RestartIntensity.Validate();
        Recorder.Validate();
        ActionRetryBackoff?.Validate();

        OptionChecks.AtLeast(ActionHistoryLength, 1, owner, nameof(ActionHistoryLength));

        if (StaleAfter <= CollectInterval)
        {
            throw new ArgumentOutOfRangeException(
                nameof(StaleAfter),
                StaleAfter,
                $"SupervisorOptions.StaleAfter ({StaleAfter}) must be longer than CollectInterval ({CollectInterval}), or every observation would be stale before the next one arrives.");
        }
    }

    /// <summary>A copy, so a supervisor keeps the values it was created with.</summary>
    public SupervisorOptions Clone()
    {
        var copy = (SupervisorOptions)MemberwiseClone();
        copy.Circuit = Circuit?.Clone()!;
        copy.RestartIntensity = RestartIntensity?.Clone()!;
        copy.ActionRetryBackoff = ActionRetryBackoff?.Clone();
        copy.Recorder = Recorder?.Clone()!;
        return copy;
    }
}
