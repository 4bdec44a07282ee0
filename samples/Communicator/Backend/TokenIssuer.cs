using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Communicator.Backend;

/// <summary>
/// Issues and checks the demo backend's bearer tokens: <c>base64url(subject|issuedAtMs|expiresAtMs|nonce)</c>, a
/// dot, and the HMAC-SHA256 of that part under a key made at start. Not a JWT library — just enough to have a
/// token that is signed, expires, and can be revoked wholesale.
/// </summary>
public sealed class TokenIssuer
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _time;
    private long _notBeforeMs;

    /// <summary>Creates an issuer on <paramref name="time"/>.</summary>
    public TokenIssuer(TimeProvider time) => _time = time;

    /// <summary>Issues a token for <paramref name="subject"/> valid for <paramref name="lifetime"/>.</summary>
    public string Issue(string subject, TimeSpan lifetime)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        string nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        string body = string.Create(CultureInfo.InvariantCulture, $"{subject}|{now}|{now + (long)lifetime.TotalMilliseconds}|{nonce}");
        string encoded = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(body));
        return encoded + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(encoded)));
    }

    /// <summary>Makes every token issued until now invalid (their holders get 401 <c>token_expired</c>).</summary>
    public void ExpireAll() => Interlocked.Exchange(ref _notBeforeMs, _time.GetUtcNow().ToUnixTimeMilliseconds() + 1);

    /// <summary>Checks a token: <c>null</c> when valid, otherwise the error code to answer with.</summary>
    public string? Check(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "missing_token";
        }

        int dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return "invalid_token";
        }

        string encoded = token[..dot];
        byte[] expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(encoded));
        byte[] actual;
        try
        {
            actual = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return "invalid_token";
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return "invalid_token";
        }

        string[] parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(encoded)).Split('|');
        long issued = long.Parse(parts[1], CultureInfo.InvariantCulture);
        long expires = long.Parse(parts[2], CultureInfo.InvariantCulture);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return now >= expires || issued < Interlocked.Read(ref _notBeforeMs) ? "token_expired" : null;
    }
}
