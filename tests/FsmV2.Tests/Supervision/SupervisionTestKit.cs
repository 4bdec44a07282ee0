namespace FsmV2.Tests.Supervision;

/// <summary>A <see cref="Random"/> that always draws the same value, so jittered delays are exact.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;

    protected override double Sample() => value;
}

internal static class SupervisionTestKit
{
    /// <summary>Breaker options without jitter (delays 1, 2, 4, 8 … s) unless told otherwise.</summary>
    public static CircuitBreakerOptions Options(int threshold = 1, JitterMode jitter = JitterMode.None, int maxAttempts = 5) => new()
    {
        FailureThreshold = threshold,
        MaxAttempts = maxAttempts,
        Backoff = new BackoffOptions { Jitter = jitter },
    };
}
