using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FsmV2.Hosting;

/// <summary>
/// The readiness check: is the tree in service? Reads <see cref="Supervisor.GetStatus()"/>, <see cref="Supervisor.GetCircuits"/>
/// and <see cref="Supervisor.GetTotals"/> (any thread).
/// </summary>
internal sealed class SupervisorReadinessCheck(Supervisor supervisor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Evaluate(supervisor));

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

        // The seam for more sources of health (a store's state): add their data here and let the worst status win.
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

        if (supervisor.IsShuttingDown)
        {
            return HealthCheckResult.Unhealthy("the supervisor is shutting down", data: data);
        }

        if (escalated.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"escalated: {string.Join(", ", escalated)} (see docs/runbook.md)", data: data);
        }

        return open.Count > 0 || stale.Count > 0
            ? HealthCheckResult.Degraded(Describe(open, stale), data: data)
            : HealthCheckResult.Healthy($"{totals.Supervised} worker(s), every circuit closed, every observation fresh", data);
    }

    private static bool IsEscalated(CircuitBreakerStatistics circuit) => circuit.State != CircuitState.Closed && circuit.EscalationRequired;

    private static string Describe(List<string> open, List<string> stale) =>
        string.Join("; ", new[] { open.Count > 0 ? $"circuit not closed: {string.Join(", ", open)}" : null, stale.Count > 0 ? $"stale observation: {string.Join(", ", stale)}" : null }.OfType<string>());
}
