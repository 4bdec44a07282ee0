namespace FsmV2;

/// <summary>
/// Turns a circuit's statistics into what operators read: the heartbeat while it is open, the warning one
/// attempt before escalation, and the escalation itself with runbook steps. Data only — the tick integration
/// logs them.
/// </summary>
internal static class OperatorMessages
{
    private static readonly IReadOnlyList<string> InfrastructureSteps = Array.AsReadOnly<string>(
    [
        "Read the last failure reason above and the logs of the failing child; it is the dependency the other workers need.",
        "Check what the child depends on outside this process (is it running, reachable over the network, are its credentials valid).",
        "Fix the dependency; the next probe closes the circuit on its own (probes continue at the capped backoff delay).",
        "To resume at once after the fix, close the circuit (CircuitBreaker.Close); to take the dependency out of service on purpose, isolate it (CircuitBreaker.Isolate) and expect its workers to stay paused.",
        "If the parent supervisor restarted this subtree and it fails again, stop and escalate to the owning team: restarts are not fixing it.",
    ]);

    private static readonly IReadOnlyList<string> WorkerSteps = Array.AsReadOnly<string>(
    [
        "Read the worker's last failure reason and its recent faults in the log (error_scope = Worker: its siblings are unaffected).",
        "Check the worker's desired state (spec, variables) and the external thing it manages for the cause.",
        "Fix the cause, then close the worker's circuit (CircuitBreaker.Close) so it is restarted at once; or isolate it (CircuitBreaker.Isolate) to keep it out of service.",
        "If it keeps faulting after a fix, remove the worker from the spec and report it to its owners.",
    ]);

    /// <summary>
    /// Where the outage stands: <see cref="RecoveryStatus.Healthy"/> when closed, <see cref="RecoveryStatus.Isolated"/>
    /// when isolated, <see cref="RecoveryStatus.Escalated"/> from <c>MaxAttempts</c> on,
    /// <see cref="RecoveryStatus.EscalationImminent"/> at <c>MaxAttempts − 1</c>,
    /// <see cref="RecoveryStatus.PersistentFailure"/> from attempt 3, <see cref="RecoveryStatus.AttemptingRecovery"/> before.
    /// </summary>
    /// <param name="statistics">The circuit's statistics.</param>
    public static RecoveryStatus StatusOf(in CircuitBreakerStatistics statistics)
    {
        if (statistics.IsIsolated)
        {
            return RecoveryStatus.Isolated;
        }

        if (statistics.State == CircuitState.Closed)
        {
            return RecoveryStatus.Healthy;
        }

        if (statistics.EscalationRequired)
        {
            return RecoveryStatus.Escalated;
        }

        if (statistics.IsPreEscalation)
        {
            return RecoveryStatus.EscalationImminent;
        }

        return statistics.Attempt >= 3 ? RecoveryStatus.PersistentFailure : RecoveryStatus.AttemptingRecovery;
    }

    /// <summary>The fields of a heartbeat at <paramref name="now"/>. Allocation-free; pair it with a <see cref="HeartbeatLimiter"/>.</summary>
    /// <param name="name">What the circuit guards.</param>
    /// <param name="scope">Whether all workers or one is affected.</param>
    /// <param name="statistics">The circuit's statistics.</param>
    /// <param name="now">The tick's time.</param>
    public static HeartbeatFields Heartbeat(string name, ErrorScope scope, in CircuitBreakerStatistics statistics, DateTimeOffset now) =>
        new(
            name,
            scope,
            statistics.Attempt,
            statistics.MaxAttempts,
            statistics.Downtime(now),
            statistics.NextProbeIn(now),
            StatusOf(in statistics),
            statistics.LastFailureReason);

    /// <summary>
    /// Whether <paramref name="change"/> is the transition that calls for the pre-escalation warning: the circuit
    /// (re)opened at attempt <c>MaxAttempts − 1</c>. True once per outage.
    /// </summary>
    /// <param name="change">A transition from <see cref="CircuitBreaker.StateChanged"/>.</param>
    /// <param name="maxAttempts">The breaker's <see cref="CircuitBreakerOptions.MaxAttempts"/>.</param>
    public static bool IsPreEscalation(in CircuitStateChange change, int maxAttempts) =>
        maxAttempts > 1 && change.To == CircuitState.Open && change.From != CircuitState.Open && change.Attempt == maxAttempts - 1;

    /// <summary>
    /// Whether <paramref name="change"/> is the transition that calls for escalation: the circuit reopened at
    /// attempt <c>MaxAttempts</c>. True once per outage.
    /// </summary>
    /// <param name="change">A transition from <see cref="CircuitBreaker.StateChanged"/>.</param>
    /// <param name="maxAttempts">The breaker's <see cref="CircuitBreakerOptions.MaxAttempts"/>.</param>
    public static bool IsEscalation(in CircuitStateChange change, int maxAttempts) =>
        change.To == CircuitState.Open && change.From != CircuitState.Open && change.Attempt == maxAttempts;

    /// <summary>The pre-escalation warning, if the circuit is one attempt short of escalation.</summary>
    /// <param name="name">What the circuit guards.</param>
    /// <param name="scope">Whether all workers or one is affected.</param>
    /// <param name="statistics">The circuit's statistics.</param>
    /// <param name="now">The tick's time.</param>
    /// <param name="warning">The warning, when this returns <see langword="true"/>.</param>
    public static bool TryPreEscalationWarning(string name, ErrorScope scope, in CircuitBreakerStatistics statistics, DateTimeOffset now, out PreEscalationWarning warning)
    {
        if (statistics.State == CircuitState.Closed || statistics.IsIsolated || !statistics.IsPreEscalation)
        {
            warning = default;
            return false;
        }

        warning = new PreEscalationWarning(
            name,
            scope,
            statistics.Attempt,
            statistics.MaxAttempts - statistics.Attempt,
            statistics.Downtime(now),
            statistics.NextProbeIn(now),
            RunbookSections.Escalation);
        return true;
    }

    /// <summary>The escalation message with the runbook steps for <paramref name="scope"/>.</summary>
    /// <param name="name">What the circuit guards.</param>
    /// <param name="scope">Whether all workers or one is affected; picks the steps.</param>
    /// <param name="statistics">The circuit's statistics.</param>
    /// <param name="now">The tick's time.</param>
    public static EscalationMessage Escalation(string name, ErrorScope scope, in CircuitBreakerStatistics statistics, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new EscalationMessage(
            name,
            scope,
            statistics.Attempt,
            statistics.Downtime(now),
            statistics.LastFailureReason,
            RunbookSections.Escalation,
            scope == ErrorScope.Infrastructure ? InfrastructureSteps : WorkerSteps);
    }
}
