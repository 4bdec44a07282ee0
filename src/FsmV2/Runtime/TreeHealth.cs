namespace FsmV2;

/// <summary>The verdict of <see cref="Supervisor.GetHealth"/>, worst last.</summary>
public enum TreeHealthStatus
{
    /// <summary>Every circuit closed, every observation fresh, the store (if any) writing.</summary>
    Healthy,

    /// <summary>A circuit open or half-open, an observation stale, or a persistent store failing its writes.</summary>
    Degraded,

    /// <summary>A circuit escalated (not closed and its attempts reached <see cref="CircuitBreakerOptions.MaxAttempts"/>), or the supervisor shutting down.</summary>
    Unhealthy,
}

/// <summary>
/// Is the supervised tree in service, and if not, because of which workers? The one rule behind the hosting package's
/// readiness check and the live page's verdict (<see cref="Supervisor.GetHealth"/>).
/// </summary>
/// <param name="Status">The verdict.</param>
/// <param name="Description">One line naming the cause and the workers (or the store's file), for a probe's output or a page.</param>
/// <param name="Escalated">Ids of the workers with an escalated circuit.</param>
/// <param name="OpenCircuits">Ids of the workers with a circuit that is not closed (escalated ones included).</param>
/// <param name="StaleObservations">Ids of the workers whose decisions are paused on a stale observation.</param>
/// <param name="ShuttingDown">Whether the supervisor is shutting down.</param>
/// <param name="Totals">The supervisor's totals at the time of the verdict, with the store's status.</param>
public sealed record TreeHealth(
    TreeHealthStatus Status,
    string Description,
    IReadOnlyList<string> Escalated,
    IReadOnlyList<string> OpenCircuits,
    IReadOnlyList<string> StaleObservations,
    bool ShuttingDown,
    SupervisionTotals Totals)
{
    /// <summary>
    /// The workers behind the verdict: the escalated ones when <see cref="TreeHealthStatus.Unhealthy"/>, those with a
    /// circuit not closed or a stale observation when <see cref="TreeHealthStatus.Degraded"/>, none when healthy (or
    /// when the cause is the store or the shutdown alone).
    /// </summary>
    public IReadOnlyList<string> Workers => Status switch
    {
        TreeHealthStatus.Unhealthy => Escalated,
        TreeHealthStatus.Degraded => [.. OpenCircuits.Union(StaleObservations, StringComparer.Ordinal)],
        _ => [],
    };

    /// <summary>Evaluates the rule on <paramref name="supervisor"/>'s thread-safe status (any thread).</summary>
    internal static TreeHealth Of(Supervisor supervisor)
    {
        List<string> escalated = [];
        List<string> open = [];
        List<string> stale = [];
        IReadOnlyList<WorkerStatus> all = supervisor.GetStatus();
        foreach (WorkerStatus status in all)
        {
            if (status.IsStale)
            {
                stale.Add(status.Id);
            }

            if (status.Circuit != CircuitState.Closed)
            {
                open.Add(status.Id);
                if (supervisor.GetCircuits(status.Id) is { } circuits && (IsEscalated(circuits.Fault) || (circuits.Infrastructure is { } i && IsEscalated(i))))
                {
                    escalated.Add(status.Id);
                }
            }
        }

        SupervisionTotals totals = supervisor.GetTotals(all);
        bool shuttingDown = supervisor.IsShuttingDown;
        (TreeHealthStatus verdict, string description) = Verdict(escalated, open, stale, totals, shuttingDown);
        return new TreeHealth(verdict, description, escalated, open, stale, shuttingDown, totals);
    }

    private static (TreeHealthStatus, string) Verdict(List<string> escalated, List<string> open, List<string> stale, SupervisionTotals totals, bool shuttingDown)
    {
        if (shuttingDown)
        {
            return (TreeHealthStatus.Unhealthy, "the supervisor is shutting down");
        }

        if (escalated.Count > 0)
        {
            return (TreeHealthStatus.Unhealthy, $"escalated: {string.Join(", ", escalated)} (see docs/runbook.md)");
        }

        string? store = totals.Store is { IsHealthy: false } failing ? $"store {failing.Name} failing: {failing.LastError}" : null;
        string?[] causes =
        [
            open.Count > 0 ? $"circuit not closed: {string.Join(", ", open)}" : null,
            stale.Count > 0 ? $"stale observation: {string.Join(", ", stale)}" : null,
            store,
        ];
        return causes.Any(c => c is not null)
            ? (TreeHealthStatus.Degraded, string.Join("; ", causes.OfType<string>()))
            : (TreeHealthStatus.Healthy, $"{totals.Supervised} worker(s), every circuit closed, every observation fresh");
    }

    private static bool IsEscalated(CircuitBreakerStatistics circuit) => circuit.State != CircuitState.Closed && circuit.EscalationRequired;
}
