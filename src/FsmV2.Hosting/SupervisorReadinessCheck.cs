using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FsmV2.Hosting;

/// <summary>
/// The readiness check: is the tree in service? <see cref="Supervisor.GetHealth"/>'s verdict (any thread), with the
/// workers' ids, the totals and the store's state in the data.
/// </summary>
internal sealed class SupervisorReadinessCheck : IHealthCheck
{
    private readonly Supervisor _supervisor;

    public SupervisorReadinessCheck(Supervisor supervisor) => _supervisor = supervisor;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Evaluate(_supervisor));

    internal static HealthCheckResult Evaluate(Supervisor supervisor)
    {
        TreeHealth health = supervisor.GetHealth();
        SupervisionTotals totals = health.Totals;
        var data = new Dictionary<string, object>
        {
            ["supervised"] = totals.Supervised,
            ["running"] = totals.Running,
            ["failed"] = totals.Failed,
            ["restarts"] = totals.Restarts,
            ["escalated"] = health.Escalated.ToArray(),
            ["openCircuits"] = health.OpenCircuits.ToArray(),
            ["staleObservations"] = health.StaleObservations.ToArray(),
        };
        AddStore(totals.Store, data);
        return health.Status switch
        {
            TreeHealthStatus.Unhealthy => HealthCheckResult.Unhealthy(health.Description, data: data),
            TreeHealthStatus.Degraded => HealthCheckResult.Degraded(health.Description, data: data),
            _ => HealthCheckResult.Healthy(health.Description, data),
        };
    }

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
}
