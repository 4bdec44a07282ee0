namespace FsmV2;

/// <summary>A plain value implementation of <see cref="IChildHealth"/>, for building a span of children each tick.</summary>
/// <param name="Id">The child's id.</param>
/// <param name="Exists">Whether it is present.</param>
/// <param name="Healthy">Whether it reports itself healthy.</param>
/// <param name="Circuit">The state of its own circuit.</param>
internal readonly record struct ChildHealth(string Id, bool Exists, bool Healthy, CircuitState Circuit) : IChildHealth;
