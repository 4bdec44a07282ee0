namespace Communicator;

/// <summary>
/// A failed communicator request. Thrown by the actions so the supervisor records the failure; its message names
/// the endpoint and what went wrong, never the API key or the token.
/// </summary>
public sealed class CommunicatorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommunicatorException(FailureKind kind, string message)
        : base(message) => Kind = kind;

    /// <summary>Creates the exception without details (for serializers and analyzers).</summary>
    public CommunicatorException()
        : this(FailureKind.Unexpected, "communicator request failed")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CommunicatorException(string message)
        : this(FailureKind.Unexpected, message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CommunicatorException(string message, Exception innerException)
        : base(message, innerException) => Kind = FailureKind.Unexpected;

    /// <summary>What kind of failure it was.</summary>
    public FailureKind Kind { get; }
}
