namespace Communicator.Backend;

/// <summary>Settings of the <see cref="DemoBackend"/>.</summary>
public sealed class DemoBackendOptions
{
    /// <summary>The one API key <c>POST /auth</c> accepts. Default: a random key made at start.</summary>
    public string ApiKey { get; set; } = "ck_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>How long an issued token is valid. Default 5 minutes.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>At most this many messages per <c>GET /pull</c> answer. Default 100.</summary>
    public int PullLimit { get; set; } = 100;

    /// <summary>The backend's clock (token issue and expiry). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Where to listen. Default <c>http://127.0.0.1:0</c>: loopback, a free port chosen at start.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";
}
