namespace Communicator;

/// <summary>
/// How long the communicator waits before the next attempt, by kind of failure. This lives in the sample for now,
/// because the supervisor does not yet back off failed actions. The runtime's <see cref="FsmV2.BackoffPolicy"/> is
/// the building block to replace it with: one exponential policy per kind (initial delay = base × the kind's
/// multiple, max delay = cap), with the <c>Retry-After</c> floor kept here; and once the supervisor applies backoff
/// to failed actions, the Degraded state's wait on <see cref="CommunicatorObservation.RetryAt"/> goes away.
/// </summary>
public static class Backoff
{
    /// <summary>The longest <c>Retry-After</c> honoured as given; longer ones are clipped to this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The delay before attempt <paramref name="streak"/> + 1, after <paramref name="streak"/> failures in a row
    /// (the last of kind <paramref name="kind"/>). Exponential from a per-kind multiple of
    /// <paramref name="baseDelay"/>, capped at <paramref name="cap"/>, plus up to <paramref name="jitter"/> × the
    /// delay of random spread so many clients do not retry in step. A 429's <c>Retry-After</c> is a floor the
    /// delay never goes below; an invalid API key is not retried at all (<see cref="TimeSpan.MaxValue"/>).
    /// </summary>
    public static TimeSpan Delay(FailureKind kind, int streak, TimeSpan? retryAfter, TimeSpan baseDelay, TimeSpan cap, double jitter = 0.1)
    {
        if (kind == FailureKind.InvalidApiKey)
        {
            return TimeSpan.MaxValue;
        }

        int attempt = Math.Max(1, streak);
        (double multiple, int skip) = kind switch
        {
            FailureKind.TokenRejected => (1.0, 1), // the first 401 re-authenticates at once; repeated ones back off
            FailureKind.Unreachable or FailureKind.Unavailable or FailureKind.Timeout => (1.0, 0),
            FailureKind.ServerError or FailureKind.Unexpected => (2.0, 0),
            FailureKind.RateLimited or FailureKind.Malformed => (4.0, 0),
            _ => (1.0, 0),
        };

        int exponent = attempt - 1 - skip;
        double ms = exponent < 0 ? 0 : Math.Min(cap.TotalMilliseconds, baseDelay.TotalMilliseconds * multiple * Math.Pow(2, Math.Min(exponent, 30)));
        ms += ms * jitter * Random.Shared.NextDouble();
        TimeSpan delay = TimeSpan.FromMilliseconds(ms);
        if (retryAfter is { } floor)
        {
            floor = floor > MaxRetryAfter ? MaxRetryAfter : floor;
            if (delay < floor)
            {
                delay = floor;
            }
        }

        return delay;
    }
}
