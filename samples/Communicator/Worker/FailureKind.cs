namespace Communicator;

/// <summary>What went wrong with the communicator's last request; the backoff depends on it.</summary>
public enum FailureKind
{
    /// <summary>Nothing: the last request succeeded.</summary>
    None,

    /// <summary>The backend could not be reached (connection refused or reset).</summary>
    Unreachable,

    /// <summary>The backend answered 503: it is down.</summary>
    Unavailable,

    /// <summary>No answer within the per-request timeout.</summary>
    Timeout,

    /// <summary>The backend answered 500 or another 5xx.</summary>
    ServerError,

    /// <summary>The backend answered 429; its <c>Retry-After</c> is honoured.</summary>
    RateLimited,

    /// <summary>The answer was not the JSON the protocol expects.</summary>
    Malformed,

    /// <summary>Push or pull answered 401: the token is no longer accepted; authenticate again.</summary>
    TokenRejected,

    /// <summary><c>POST /auth</c> answered 401: the API key is wrong. Permanent: not retried until the key changes.</summary>
    InvalidApiKey,

    /// <summary>Any other unexpected answer (a 4xx the protocol does not use).</summary>
    Unexpected,
}
