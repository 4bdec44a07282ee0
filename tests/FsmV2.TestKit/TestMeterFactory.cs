using System.Diagnostics.Metrics;

namespace FsmV2.TestKit;

/// <summary>
/// An <see cref="IMeterFactory"/> whose meters carry it as their scope, so a test collects only its own. Like a
/// host's factory, it hands out one meter per name and version, so supervisors created with it share a meter.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    /// <summary>The meter of <paramref name="options"/>' name and version, created on first use with this factory as its scope.</summary>
    public Meter Create(MeterOptions options)
    {
        lock (_meters)
        {
            Meter? meter = _meters.Find(m => m.Name == options.Name && m.Version == options.Version);
            if (meter is null)
            {
                meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
                _meters.Add(meter);
            }

            return meter;
        }
    }

    /// <summary>Disposes every meter this factory created.</summary>
    public void Dispose()
    {
        foreach (Meter meter in _meters)
        {
            meter.Dispose();
        }
    }
}
