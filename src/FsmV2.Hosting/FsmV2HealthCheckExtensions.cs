using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FsmV2.Hosting;

/// <summary>
/// <c>services.AddHealthChecks().AddFsmV2()</c>: two health checks of the registered <see cref="Supervisor"/>, one
/// per probe. <see cref="ReadinessCheckName"/> (tag <see cref="ReadinessTag"/>): Unhealthy when a circuit has
/// escalated or the supervisor is shutting down, Degraded while any circuit is open or half-open or an observation
/// is stale, with the worker ids in its data. <see cref="LivenessCheckName"/> (tag <see cref="LivenessTag"/>):
/// Unhealthy when the tick has stalled (<see cref="FsmV2HealthCheckOptions.TickStallAfter"/>). An outage is a
/// readiness matter (restarting the process does not bring a backend back); only a stuck supervisor fails liveness.
/// </summary>
public static class FsmV2HealthCheckExtensions
{
    /// <summary>The name of the readiness check.</summary>
    public const string ReadinessCheckName = "fsmv2";

    /// <summary>The name of the liveness check.</summary>
    public const string LivenessCheckName = "fsmv2-tick";

    /// <summary>The tag of the readiness check: map it to the readiness probe.</summary>
    public const string ReadinessTag = "ready";

    /// <summary>The tag of the liveness check: map it to the liveness probe.</summary>
    public const string LivenessTag = "live";

    /// <summary>
    /// Adds the readiness check <see cref="ReadinessCheckName"/> (tag <see cref="ReadinessTag"/>) and the liveness
    /// check <see cref="LivenessCheckName"/> (tag <see cref="LivenessTag"/>) of the supervisor registered by
    /// <see cref="FsmV2ServiceCollectionExtensions.AddFsmV2(IServiceCollection, Action{SupervisorOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The application's health checks.</param>
    /// <param name="configure">Adjusts the checks' bounds.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public static IHealthChecksBuilder AddFsmV2(this IHealthChecksBuilder builder, Action<FsmV2HealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new FsmV2HealthCheckOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.TryAddSingleton(TimeProvider.System);
        TickWatch? watch = null;
        builder.Add(new HealthCheckRegistration(ReadinessCheckName, static services => new SupervisorReadinessCheck(services.GetRequiredService<Supervisor>()), failureStatus: null, [ReadinessTag]));
        builder.Add(new HealthCheckRegistration(
            LivenessCheckName,
            services => new TickLivenessCheck(LazyInitializer.EnsureInitialized(ref watch, () => new TickWatch(services.GetRequiredService<Supervisor>(), services.GetRequiredService<TimeProvider>(), options.TickStallAfter))),
            failureStatus: null,
            [LivenessTag]));
        return builder;
    }
}
