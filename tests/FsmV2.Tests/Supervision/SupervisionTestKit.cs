using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests.Supervision;

/// <summary>A <see cref="Random"/> that always draws the same value, so jittered delays are exact.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;

    protected override double Sample() => value;
}

internal static class SupervisionTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Start);

    /// <summary>Breaker options without jitter (delays 1, 2, 4, 8 … s) unless told otherwise.</summary>
    public static CircuitBreakerOptions Options(int threshold = 1, JitterMode jitter = JitterMode.None, int maxAttempts = 5) => new()
    {
        FailureThreshold = threshold,
        MaxAttempts = maxAttempts,
        Backoff = new BackoffOptions { Jitter = jitter },
    };

    public static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FsmV2.Toolkit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (FsmV2.Toolkit.sln) not found above " + AppContext.BaseDirectory);
    }
}
