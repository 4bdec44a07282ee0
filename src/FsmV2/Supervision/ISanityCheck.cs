namespace FsmV2;

/// <summary>
/// A cross-child condition the <see cref="InfrastructureHealthChecker"/> verifies after every child looks
/// healthy on its own (for example: "the pipeline's input broker reports a connection"). It runs on the tick, so
/// it must read state already gathered (observations, counters) — never do I/O — and should not allocate.
/// </summary>
public interface ISanityCheck
{
    /// <summary>A short name, reported when the check fails.</summary>
    string Name { get; }

    /// <summary>Checks the condition at <paramref name="now"/>: <see cref="HealthResult.Healthy"/> or <see cref="HealthResult.Unhealthy"/>.</summary>
    HealthResult Check(DateTimeOffset now);
}
