using System.Diagnostics.Metrics;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// The Prometheus names of the toolkit's instruments, derived from what the runtime really publishes on the
/// <c>FsmV2</c> meter (name, kind and unit, read with a <see cref="MeterListener"/>) by the rules of
/// OpenTelemetry's Prometheus exporter: dots become underscores, unit <c>s</c> appends <c>_seconds</c>, counters
/// get <c>_total</c>. Histograms are scraped as <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series.
/// </summary>
internal static class PrometheusNames
{
    public enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    /// <summary>Every instrument of the meter, by Prometheus name.</summary>
    public static IReadOnlyDictionary<string, Kind> All { get; } = Discover();

    /// <summary>Every series name a PromQL expression may use: the names, plus the histogram series.</summary>
    public static IReadOnlySet<string> Series { get; } = All
        .SelectMany(p => p.Value == Kind.Histogram ? new[] { p.Key + "_bucket", p.Key + "_sum", p.Key + "_count" } : [p.Key])
        .ToHashSet(StringComparer.Ordinal);

    public static string Of(string instrument, Kind kind, string? unit)
    {
        string name = instrument.Replace('.', '_');
        if (unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal))
        {
            name += "_seconds";
        }

        return kind == Kind.Counter ? name + "_total" : name;
    }

    private static Dictionary<string, Kind> Discover()
    {
        var found = new Dictionary<string, Kind>(StringComparer.Ordinal);
        var instrumentNames = typeof(FsmV2Telemetry.Instruments).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);

        // A supervisor creates every instrument (the gauges too) in its constructor, here on the process-wide meter.
        var supervisor = new Supervisor();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name != FsmV2Telemetry.Name)
                {
                    return;
                }

                Type type = instrument.GetType().GetGenericTypeDefinition();
                Kind kind = type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? Kind.Counter
                    : type == typeof(Histogram<>) ? Kind.Histogram
                    : Kind.Gauge;
                lock (found)
                {
                    found[Of(instrument.Name, kind, instrument.Unit)] = kind;
                    instrumentNames.Remove(instrument.Name);
                }
            },
        };
        listener.Start();
        supervisor.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (instrumentNames.Count != 0)
        {
            throw new InvalidOperationException("FsmV2Telemetry.Instruments names instruments the runtime does not publish: " + string.Join(", ", instrumentNames));
        }

        return found;
    }
}
