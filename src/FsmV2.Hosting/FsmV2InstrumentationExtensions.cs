using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FsmV2.Hosting;

/// <summary>
/// Wires the toolkit's telemetry into OpenTelemetry in one call:
/// <c>services.AddOpenTelemetry().WithMetrics(m =&gt; m.AddFsmV2Instrumentation()).WithTracing(t =&gt; t.AddFsmV2Instrumentation())</c>,
/// then add an exporter (Prometheus, OTLP, …) as usual.
/// </summary>
public static class FsmV2InstrumentationExtensions
{
    /// <summary>Collects every instrument of the <c>FsmV2</c> meter (<see cref="FsmV2Telemetry.Name"/>).</summary>
    /// <param name="builder">The application's meter provider builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static MeterProviderBuilder AddFsmV2Instrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(FsmV2Telemetry.Name);
    }

    /// <summary>Records the toolkit's spans (<c>FsmV2.Action</c>, <c>FsmV2.Restart</c>) from the <c>FsmV2</c> activity source.</summary>
    /// <param name="builder">The application's tracer provider builder.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static TracerProviderBuilder AddFsmV2Instrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(FsmV2Telemetry.Name);
    }
}
