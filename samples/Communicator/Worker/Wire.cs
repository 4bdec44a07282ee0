namespace Communicator;

/// <summary>Body of <c>POST /auth</c>.</summary>
public sealed record AuthRequest(string ApiKey)
{
    /// <inheritdoc />
    public override string ToString() => "AuthRequest { ApiKey = *** }";
}

/// <summary>Answer of <c>POST /auth</c>: a signed token and how long it is valid.</summary>
public sealed record AuthResponse(string Token, double ExpiresInSeconds)
{
    /// <inheritdoc />
    public override string ToString() => $"AuthResponse {{ Token = ***, ExpiresInSeconds = {ExpiresInSeconds} }}";
}

/// <summary>Body of <c>POST /push</c>: client → server messages, oldest first.</summary>
public sealed record PushRequest(IReadOnlyList<Message> Messages);

/// <summary>Answer of <c>POST /push</c>: every client message up to and including this sequence number is stored.</summary>
public sealed record PushResponse(long AckedThrough);

/// <summary>Answer of <c>GET /pull?after=N</c>: server → client messages after N, oldest first.</summary>
public sealed record PullResponse(IReadOnlyList<Message> Messages);

/// <summary>Error body of the backend (<c>invalid_api_key</c>, <c>token_expired</c>, ...).</summary>
public sealed record ErrorResponse(string Error);
