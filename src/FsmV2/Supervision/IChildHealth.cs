namespace FsmV2;

/// <summary>
/// What the <see cref="InfrastructureHealthChecker"/> reads about one child. Implement it on a struct to pass a
/// span of children without boxing, or on the child's own class to pass the live objects.
/// </summary>
internal interface IChildHealth
{
    /// <summary>The child's id; reported when it is the one that failed.</summary>
    string Id { get; }

    /// <summary>Whether the child is present in the supervisor (a child the spec wants but that is missing fails the check).</summary>
    bool Exists { get; }

    /// <summary>Whether the child reports itself healthy (for example: in a running state with a fresh observation).</summary>
    bool Healthy { get; }

    /// <summary>The state of the child's own circuit; anything but <see cref="CircuitState.Closed"/> counts as unhealthy.</summary>
    CircuitState Circuit { get; }
}
