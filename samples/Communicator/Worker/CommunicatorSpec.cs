namespace Communicator;

/// <summary>
/// What the communicator should be doing: which backend, with which API key, and how patiently. Its
/// <see cref="ToString"/> never shows the key.
/// </summary>
public sealed record CommunicatorSpec
{
    /// <summary>The backend's base address (<c>/auth</c>, <c>/push</c> and <c>/pull</c> are relative to it).</summary>
    public required Uri Backend { get; init; }

    /// <summary>The API key <c>POST /auth</c> exchanges for a token. A secret: never logged.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Whether the communicator should be connected. Default <c>true</c>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long one HTTP request may take. Default 2 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often to pull when there is nothing to push. Default 500 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The first backoff step after a failure (multiplied per kind of failure). Default 250 ms.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest backoff (a 429's <c>Retry-After</c> may exceed it). Default 10 s.</summary>
    public TimeSpan BackoffCap { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Re-authenticate this long before the token expires. Default 1 s.</summary>
    public TimeSpan TokenRefreshMargin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many outbound messages per push. Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <inheritdoc />
    public override string ToString() =>
        $"CommunicatorSpec {{ Backend = {Backend}, ApiKey = ***, Enabled = {Enabled}, RequestTimeout = {RequestTimeout}, PollInterval = {PollInterval} }}";
}
