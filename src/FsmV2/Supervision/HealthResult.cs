namespace FsmV2;

/// <summary>
/// The verdict of a health check: healthy, or which child (or sanity check) failed and why. A value type, so the
/// all-healthy answer costs no allocation.
/// </summary>
public readonly struct HealthResult : IEquatable<HealthResult>
{
    private HealthResult(HealthFailure failure, string? childId, string? checkName, string? reason, Exception? exception)
    {
        Failure = failure;
        ChildId = childId;
        CheckName = checkName;
        Reason = reason;
        Exception = exception;
    }

    /// <summary>The healthy verdict.</summary>
    public static HealthResult Healthy => default;

    /// <summary>What failed; <see cref="HealthFailure.None"/> when healthy.</summary>
    public HealthFailure Failure { get; }

    /// <summary>Whether nothing failed.</summary>
    public bool IsHealthy => Failure == HealthFailure.None;

    /// <summary>The child to restart, when the failure is attributed to one; <see langword="null"/> otherwise.</summary>
    public string? ChildId { get; }

    /// <summary>The sanity check that failed, for <see cref="HealthFailure.SanityCheckFailed"/>.</summary>
    public string? CheckName { get; }

    /// <summary>Why, in words an operator can read; <see langword="null"/> when healthy.</summary>
    public string? Reason { get; }

    /// <summary>The exception a sanity check threw, if that is how it failed.</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// The verdict a failing <see cref="ISanityCheck"/> returns. Keep <paramref name="reason"/> a constant or
    /// cached string so a failing check does not allocate either.
    /// </summary>
    /// <param name="reason">Why it failed.</param>
    /// <param name="childId">The child whose restart should fix it (for example the broker a pipeline needs), if any.</param>
    public static HealthResult Unhealthy(string reason, string? childId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new HealthResult(HealthFailure.SanityCheckFailed, childId, null, reason, null);
    }

    /// <summary>Equal when every field is equal (exceptions by reference).</summary>
    public bool Equals(HealthResult other) =>
        Failure == other.Failure
        && string.Equals(ChildId, other.ChildId, StringComparison.Ordinal)
        && string.Equals(CheckName, other.CheckName, StringComparison.Ordinal)
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal)
        && ReferenceEquals(Exception, other.Exception);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is HealthResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Failure, ChildId, CheckName, Reason);

    /// <summary>"healthy", or the failure, child or check, and reason.</summary>
    public override string ToString() => IsHealthy ? "healthy" : $"{Failure} {ChildId ?? CheckName}: {Reason}";

    /// <summary>Equal when every field is equal.</summary>
    public static bool operator ==(HealthResult left, HealthResult right) => left.Equals(right);

    /// <summary>Not equal when any field differs.</summary>
    public static bool operator !=(HealthResult left, HealthResult right) => !left.Equals(right);

    internal static HealthResult ForChild(HealthFailure failure, string childId, string reason) =>
        new(failure, childId, null, reason, null);

    internal HealthResult FromCheck(string checkName) => new(Failure, ChildId, checkName, Reason, Exception);

    internal static HealthResult CheckThrew(string checkName, Exception exception) =>
        new(HealthFailure.SanityCheckFailed, null, checkName, "sanity check threw", exception);
}
