using Communicator;

namespace FsmV2.Communicator.Tests;

public class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(2);

    private static TimeSpan Delay(FailureKind kind, int streak, TimeSpan? retryAfter = null) => Backoff.Delay(kind, streak, retryAfter, Base, Cap, jitter: 0);

    [Theory]
    [InlineData(FailureKind.Unavailable)]
    [InlineData(FailureKind.Unreachable)]
    [InlineData(FailureKind.Timeout)]
    public void Outages_back_off_exponentially_from_the_base_up_to_the_cap(FailureKind kind)
    {
        Assert.Equal([100, 200, 400, 800, 1600, 2000, 2000], Enumerable.Range(1, 7).Select(n => Delay(kind, n).TotalMilliseconds));
    }

    [Fact]
    public void Server_errors_and_malformed_answers_start_slower()
    {
        Assert.Equal(200, Delay(FailureKind.ServerError, 1).TotalMilliseconds);
        Assert.Equal(400, Delay(FailureKind.Malformed, 1).TotalMilliseconds);
        Assert.Equal(2000, Delay(FailureKind.Malformed, 10).TotalMilliseconds);
    }

    [Fact]
    public void The_first_401_is_retried_at_once_and_repeated_ones_back_off()
    {
        Assert.Equal([0, 100, 200, 400], Enumerable.Range(1, 4).Select(n => Delay(FailureKind.TokenRejected, n).TotalMilliseconds));
    }

    [Fact]
    public void Retry_After_is_a_floor_even_above_the_cap_but_is_clipped_to_five_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Delay(FailureKind.RateLimited, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromMilliseconds(800), Delay(FailureKind.RateLimited, 2, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(Backoff.MaxRetryAfter, Delay(FailureKind.RateLimited, 1, TimeSpan.FromHours(2)));
    }

    [Fact]
    public void An_invalid_API_key_is_never_retried()
    {
        Assert.Equal(TimeSpan.MaxValue, Delay(FailureKind.InvalidApiKey, 1));
    }

    [Fact]
    public void Jitter_only_lengthens_the_delay_and_by_at_most_its_fraction()
    {
        for (int i = 0; i < 100; i++)
        {
            TimeSpan d = Backoff.Delay(FailureKind.Unavailable, 3, null, Base, Cap, jitter: 0.1);
            Assert.InRange(d.TotalMilliseconds, 400, 440);
        }
    }
}
