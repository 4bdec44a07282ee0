namespace Communicator;

/// <summary>
/// What the communicator's collector observed: its session (token and expiry), the outcome of its last request
/// with the backoff that follows, and its queues. The states decide only from this, the desired spec and the
/// tick's clock. The token itself is not part of it.
/// </summary>
/// <param name="HasToken">Whether a token is held.</param>
/// <param name="TokenExpiresAt">When the held token expires (by the worker's clock).</param>
/// <param name="LastFailure">The kind of the last request's failure; <see cref="FailureKind.None"/> after a success.</param>
/// <param name="FailureStreak">Failures since the last successful sync.</param>
/// <param name="RetryAt">When the next attempt may start after <see cref="LastFailure"/>.</param>
/// <param name="FailureReason">A sentence for operators about the failure and the backoff; empty when none.</param>
/// <param name="ApiKeyRejected">The backend rejected the desired API key itself: permanent until the key changes.</param>
/// <param name="PendingOutbound">Outbound messages not yet acknowledged (written but not taken, plus sent but unacked).</param>
/// <param name="NextPollAt">When to pull again if nothing is waiting to be pushed.</param>
/// <param name="Drained">A <c>Drain</c> action found nothing left to send, and nothing was written since.</param>
public sealed record CommunicatorObservation(
    bool HasToken,
    DateTimeOffset TokenExpiresAt,
    FailureKind LastFailure,
    int FailureStreak,
    DateTimeOffset RetryAt,
    string FailureReason,
    bool ApiKeyRejected,
    int PendingOutbound,
    DateTimeOffset NextPollAt,
    bool Drained);
