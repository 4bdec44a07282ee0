using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FsmV2.Hosting;

/// <summary>The liveness check: is the supervisor still ticking?</summary>
internal sealed class TickLivenessCheck(TickWatch watch) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(watch.Check());
}

/// <summary>Remembers when the supervisor's tick count last moved, across checks (one per registration).</summary>
internal sealed class TickWatch(Supervisor supervisor, TimeProvider time, TimeSpan stallAfter)
{
    private readonly Lock _gate = new();
    private long _ticks = -1;
    private DateTimeOffset _movedAt;

    public HealthCheckResult Check()
    {
        long ticks = supervisor.TickCount;
        DateTimeOffset now = time.GetUtcNow();
        TimeSpan still;
        lock (_gate)
        {
            if (ticks != _ticks)
            {
                _ticks = ticks;
                _movedAt = now;
            }

            still = now - _movedAt;
        }

        var data = new Dictionary<string, object> { ["ticks"] = ticks, ["secondsSinceTickMoved"] = still.TotalSeconds };
        if (supervisor.IsShuttingDown || still <= stallAfter)
        {
            return HealthCheckResult.Healthy(supervisor.IsShuttingDown ? "shutting down" : "ticking", data);
        }

        return HealthCheckResult.Unhealthy(string.Create(CultureInfo.InvariantCulture, $"no tick for {still.TotalSeconds:0.#} s (limit {stallAfter.TotalSeconds:0.#} s): the tick loop has stopped or is stuck"), data: data);
    }
}
