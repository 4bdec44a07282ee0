using Microsoft.Extensions.Logging;

namespace FsmV2.Testing;

/// <summary>How a <see cref="WorkerHarness{TDesired, TObserved}"/> runs its worker.</summary>
public sealed class WorkerHarnessOptions
{
    /// <summary>The worker's id (default <c>worker</c>).</summary>
    public string Id { get; set; } = "worker";

    /// <summary>
    /// The supervisor's options (default: a 100 ms tick, a 1 s collect timeout, a day before an observation is stale, a
    /// 1 min action timeout, a 10 s shutdown timeout). The harness uses a copy whose
    /// <see cref="SupervisorOptions.CollectInterval"/> is the tick interval, so every
    /// <see cref="WorkerHarness{TDesired, TObserved}.Tick"/> collects the scripted observation first.
    /// </summary>
    public SupervisorOptions? Supervisor { get; set; }

    /// <summary>
    /// Whether actions run the worker's own code (default <see langword="false"/>: an action waits until the test calls
    /// <see cref="WorkerHarness{TDesired, TObserved}.CompleteActionAsync"/> or
    /// <see cref="WorkerHarness{TDesired, TObserved}.FailActionAsync"/>).
    /// </summary>
    public bool RunActions { get; set; }

    /// <summary>Records the transitions taken into this coverage (shared between harnesses); default: one of the harness's own.</summary>
    public TransitionCoverage? Coverage { get; set; }

    /// <summary>The supervisor's logger (default: none).</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The bound on waiting for an action to start or finish on the pool's threads; the wait fails instead of hanging (default 10 s).</summary>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal SupervisorOptions SupervisorOptions()
    {
        SupervisorOptions options = Supervisor?.Clone() ?? new SupervisorOptions
        {
            TickInterval = TimeSpan.FromMilliseconds(100),
            StaleAfter = TimeSpan.FromDays(1),
            CollectTimeout = TimeSpan.FromSeconds(1),
            DefaultActionTimeout = TimeSpan.FromMinutes(1),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        options.CollectInterval = options.TickInterval;
        return options;
    }
}
