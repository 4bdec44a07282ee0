using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FsmV2.Hosting;

/// <summary>
/// The readiness check: is the tree in service? Reads <see cref="Supervisor.GetStatus()"/>, <see cref="Supervisor.GetCircuits"/>
/// and <see cref="Supervisor.GetTotals"/> (any thread).
/// </summary>
internal sealed class SupervisorReadinessCheck : IHealthCheck
{
    private readonly Supervisor _supervisor;

    public SupervisorReadinessCheck(Supervisor supervisor) => _supervisor = supervisor;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Evaluate(_supervisor));

    internal static HealthCheckResult Evaluate(Supervisor supervisor)
    {
        List<string> escalated = [];
        List<string> open = [];
        List<string> stale = [];
        foreach (WorkerStatus status in supervisor.GetStatus())
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

        SupervisionTotals totals = supervisor.GetTotals();
        var data = new Dictionary<string, object>
        {
            ["supervised"] = totals.Supervised,
            ["running"] = totals.Running,
            ["failed"] = totals.Failed,
            ["restarts"] = totals.Restarts,
            ["escalated"] = escalated.ToArray(),
            ["openCircuits"] = open.ToArray(),
            ["staleObservations"] = stale.ToArray(),
        };
        AddStore(totals.Store, data);

        if (supervisor.IsShuttingDown)
        {
            return HealthCheckResult.Unhealthy("the supervisor is shutting down", data: data);
        }

        if (escalated.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"escalated: {string.Join(", ", escalated)} (see docs/runbook.md)", data: data);
        }

        string? store = totals.Store is { IsHealthy: false } failing ? $"store {failing.Name} failing: {failing.LastError}" : null;
        return open.Count > 0 || stale.Count > 0 || store is not null
            ? HealthCheckResult.Degraded(Describe(open, stale, store), data: data)
            : HealthCheckResult.Healthy($"{totals.Supervised} worker(s), every circuit closed, every observation fresh", data);
    }

    private static bool IsEscalated(CircuitBreakerStatistics circuit) => circuit.State != CircuitState.Closed && circuit.EscalationRequired;

    // A persistent store's state (none for the in-memory store): a failing store degrades readiness; the workers run on in memory.
    private static void AddStore(StoreStatus? store, Dictionary<string, object> data)
    {
        if (store is null)
        {
            return;
        }

        data["store"] = store.Name;
        data["storeHealthy"] = store.IsHealthy;
        data["storePendingWrites"] = store.PendingWrites;
        data["storeFailedAttempts"] = store.FailedAttempts;
        if (store.LastError is { } error)
        {
            data["storeLastError"] = error;
        }

        if (store.NextAttemptAt is { } next)
        {
            data["storeNextAttemptAt"] = next;
        }
    }

    private static string Describe(List<string> open, List<string> stale, string? store) =>
        string.Join("; ", new[] { open.Count > 0 ? $"circuit not closed: {string.Join(", ", open)}" : null, stale.Count > 0 ? $"stale observation: {string.Join(", ", stale)}" : null, store }.OfType<string>());
}
