using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>What every worker slot of one supervisor shares: where it stores, runs actions, reads time, logs and escalates.</summary>
internal sealed record SupervisorContext(
    IWorkerStore Store,
    ActionPool Pool,
    TimeProvider Time,
    SupervisorOptions Options,
    ILogger Logger,
    SupervisorMetrics Metrics,
    InfrastructureHealthChecker HealthChecker,
    Action<EscalationMessage> Escalate,
    BackoffPolicy? ActionRetry,
    BackoffPolicy RestartBackoff,
    CollectorScheduler Collectors)
{
    /// <summary>Where every worker's decisions are recorded.</summary>
    public FlightRecorder Recorder { get; init; } = new(new FlightRecorderOptions { Capacity = 0 });

    /// <summary>The top-level workers the tick need not visit (<see cref="SupervisorOptions.SkipUnchangedStays"/>); <see langword="null"/> when off.</summary>
    public ParkSet? Parks { get; } = Options.SkipUnchangedStays ? new ParkSet() : null;

    /// <summary>The wall-clock time of a timestamp just read: one clock read at the end of an action or a collection.</summary>
    public WallClock Wall { get; } = new(Time);
}
