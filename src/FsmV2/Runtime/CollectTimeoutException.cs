namespace FsmV2;

/// <summary>
/// A collection that outlived <see cref="SupervisorOptions.CollectTimeout"/>, recorded by the collector itself. It is
/// not a fault of the worker's code (the tick tells it apart from a <see cref="TimeoutException"/> that
/// <c>CollectAsync</c> throws, which is), but it makes the observation age until it is stale.
/// </summary>
internal sealed class CollectTimeoutException(string message) : TimeoutException(message);
