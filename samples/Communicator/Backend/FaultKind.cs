namespace Communicator.Backend;

/// <summary>How the demo backend misbehaves, switched at run time through <see cref="BackendFaults"/>.</summary>
public enum FaultKind
{
    /// <summary>Answers normally.</summary>
    None,

    /// <summary>Down: every request gets 503 Service Unavailable.</summary>
    Down,

    /// <summary>Slow: requests are processed, but the answer comes only after <see cref="BackendFaults.SlowDelay"/>.</summary>
    Slow,

    /// <summary>Push and pull answer 401 (tokens rejected, as after a key rotation); <c>/auth</c> still works.</summary>
    Unauthorized,

    /// <summary>Every request gets 500 Internal Server Error.</summary>
    ServerError,

    /// <summary>Every request gets 429 Too Many Requests with a <c>Retry-After</c> of <see cref="BackendFaults.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>Requests are processed, but the answer is 200 with a body that is not valid JSON.</summary>
    Malformed,
}
