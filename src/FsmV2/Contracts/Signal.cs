namespace FsmV2;

/// <summary>A request from a worker to its supervisor.</summary>
public enum Signal
{
    /// <summary>No request.</summary>
    None,

    /// <summary>The worker is done (typically after a shutdown request): remove it from the supervisor.</summary>
    Remove,

    /// <summary>The worker wants a fresh start: back to its initial state, with its restart count increased.</summary>
    Restart,
}
