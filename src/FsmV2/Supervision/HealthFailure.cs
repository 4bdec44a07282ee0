namespace FsmV2;

/// <summary>Why a <see cref="HealthResult"/> is unhealthy.</summary>
public enum HealthFailure
{
    /// <summary>Nothing failed.</summary>
    None = 0,

    /// <summary>A child the supervisor expects is not there.</summary>
    ChildMissing = 1,

    /// <summary>A child reports itself unhealthy.</summary>
    ChildUnhealthy = 2,

    /// <summary>A child's own circuit is open or half-open: it is still recovering, so it cannot be relied on.</summary>
    ChildCircuitOpen = 3,

    /// <summary>A sanity check failed (or threw).</summary>
    SanityCheckFailed = 4,
}
