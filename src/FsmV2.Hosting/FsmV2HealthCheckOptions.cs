namespace FsmV2.Hosting;

/// <summary>The bounds of the FsmV2 health checks (<see cref="FsmV2HealthCheckExtensions.AddFsmV2"/>).</summary>
public sealed class FsmV2HealthCheckOptions
{
    /// <summary>
    /// The liveness check reports Unhealthy when the supervisor's tick count has not moved for longer than this
    /// (between two checks), while the supervisor is not shutting down: the tick loop has stopped or is stuck.
    /// Default 30 s.
    /// </summary>
    public TimeSpan TickStallAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks every option; throws naming the first one that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is zero, negative or infinite.</exception>
    public void Validate()
    {
        if (TickStallAfter <= TimeSpan.Zero || TickStallAfter == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(TickStallAfter), TickStallAfter, $"{nameof(FsmV2HealthCheckOptions)}.{nameof(TickStallAfter)} must be a positive, finite duration (was {TickStallAfter}).");
        }
    }
}
