using Communicator;
using Communicator.Backend;

namespace FsmV2.Communicator.Tests;

public class CommunicatorTests
{
    [Fact]
    public async Task Authenticates_then_syncs_both_ways_in_order_once_each()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");
        Assert.Equal(1, h.Worker.Stats.Authentications);

        h.Write(10);
        h.Publish(7);
        await h.RunUntilAsync(h.AllDelivered, "all delivered");

        h.AssertNoLossNoDuplicates();
        Assert.Equal(10, h.Worker.Stats.Sent);
        Assert.Equal(7, h.Worker.Stats.Received);
    }

    public static TheoryData<FaultKind, FailureKind> Faults => new()
    {
        { FaultKind.Down, FailureKind.Unavailable },
        { FaultKind.Slow, FailureKind.Timeout },
        { FaultKind.ServerError, FailureKind.ServerError },
        { FaultKind.RateLimited, FailureKind.RateLimited },
        { FaultKind.Malformed, FailureKind.Malformed },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_faulty_backend_degrades_the_worker_which_recovers_without_loss_or_duplicates(FaultKind fault, FailureKind expected)
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync(spec => spec with { RequestTimeout = TimeSpan.FromMilliseconds(fault == FaultKind.Slow ? 300 : 2_000) });
        h.Backend.Faults.SlowDelay = TimeSpan.FromSeconds(5);
        h.Backend.Faults.RetryAfter = TimeSpan.FromSeconds(1);
        await h.RunUntilStateAsync("Syncing");
        h.Write(5);
        h.Publish(5);
        await h.RunUntilAsync(h.AllDelivered, "first batch delivered");

        h.Backend.Faults.Mode = fault;
        h.Write(5);
        h.Publish(5);
        await h.RunUntilStateAsync("Degraded");
        Assert.Equal(expected, h.Observed.LastFailure);
        Assert.Equal(LifecyclePhase.RunningDegraded, h.Handle.Status.Phase);
        Assert.Contains("next attempt in", h.Handle.Status.Reason, StringComparison.Ordinal);

        // Backoff, not a retry storm: over 2 s of (fake) time at most a handful of attempts.
        int failuresBefore = h.Worker.Stats.Failures;
        await h.StepsAsync(40);
        Assert.InRange(h.Worker.Stats.Failures - failuresBefore, 1, 6);
        Assert.Equal("Degraded", h.State);

        h.Backend.Faults.Clear();
        await h.RunUntilAsync(() => h.State == "Syncing" && h.AllDelivered(), "recovered and delivered");
        h.AssertNoLossNoDuplicates();
        Assert.Equal(FailureKind.None, h.Observed.LastFailure);
        Assert.True(h.Worker.Stats.Retries > 0);
        if (fault is FaultKind.Slow or FaultKind.Malformed)
        {
            // The backend stored the push but its answer was lost: the resend was ignored, not stored twice.
            Assert.True(h.Backend.DuplicatesIgnored > 0);
            Assert.True(h.Worker.Stats.Resent > 0);
        }
    }

    [Fact]
    public async Task A_429_is_not_retried_before_its_Retry_After()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");
        h.Backend.Faults.RetryAfter = TimeSpan.FromSeconds(3); // longer than the 2 s backoff cap: Retry-After wins
        h.Backend.Faults.Mode = FaultKind.RateLimited;
        h.Write(1);

        await h.RunUntilStateAsync("Degraded");
        DateTimeOffset failedAt = h.Time.GetUtcNow();
        Assert.True(h.Observed.RetryAt - failedAt >= TimeSpan.FromSeconds(2.9), $"retry at {h.Observed.RetryAt}, failed at {failedAt}");
        Assert.Contains("Retry-After 3 s", h.Handle.Status.Reason, StringComparison.Ordinal);

        int requests = h.Backend.PushRequests + h.Backend.PullRequests + h.Backend.AuthRequests;
        await h.RunUntilAsync(() => h.Time.GetUtcNow() >= failedAt + TimeSpan.FromSeconds(2.8), "2.8 s later");
        Assert.Equal(requests, h.Backend.PushRequests + h.Backend.PullRequests + h.Backend.AuthRequests);

        h.Backend.Faults.Clear();
        await h.RunUntilAsync(() => h.State == "Syncing" && h.AllDelivered(), "recovered");
        Assert.True(h.Time.GetUtcNow() >= failedAt + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_backend_refusing_connections_degrades_the_worker_and_it_recovers_when_the_backend_is_back()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");
        h.Write(3);
        h.Publish(2);
        await h.RunUntilAsync(h.AllDelivered, "first messages");

        await h.Backend.SuspendAsync(); // nothing listens on the port any more
        h.Write(3);
        await h.RunUntilStateAsync("Degraded");
        Assert.Equal(FailureKind.Unreachable, h.Observed.LastFailure);
        Assert.Contains("backend unreachable", h.Handle.Status.Reason, StringComparison.Ordinal);

        await h.Backend.ResumeAsync(TestContext.Current.CancellationToken);
        h.Publish(2);
        await h.RunUntilAsync(() => h.State == "Syncing" && h.AllDelivered(), "recovered");
        h.AssertNoLossNoDuplicates();
    }

    [Fact]
    public async Task A_401_while_syncing_goes_back_to_Authenticating_and_recovers()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");
        h.Backend.Faults.Mode = FaultKind.Unauthorized;
        h.Write(2);

        await h.RunUntilAsync(() => h.Worker.Stats.Authentications >= 2, "re-authenticated");
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Message.Contains("Syncing -> Authenticating: token rejected (401)", StringComparison.Ordinal));

        // While the backend keeps rejecting tokens, repeated 401s back off (Degraded) instead of re-authenticating in a loop.
        await h.RunUntilStateAsync("Degraded");
        int auths = h.Backend.AuthRequests;
        await h.StepsAsync(10);
        Assert.InRange(h.Backend.AuthRequests - auths, 0, 3);

        h.Backend.Faults.Clear();
        await h.RunUntilAsync(() => h.State == "Syncing" && h.AllDelivered(), "recovered");
        h.AssertNoLossNoDuplicates();
    }

    [Fact]
    public async Task An_expired_token_is_renewed()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");

        // Server side: every token issued so far is expired; the next request gets 401 and the worker re-authenticates.
        h.Backend.Tokens.ExpireAll();
        h.Write(1);
        await h.RunUntilAsync(() => h.Worker.Stats.Authentications == 2 && h.State == "Syncing" && h.AllDelivered(), "re-authenticated after the backend expired the token");

        // Client side: the token's lifetime (5 min) runs out on the worker's clock; it renews before it expires.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.RunUntilAsync(() => h.Worker.Stats.Authentications == 3 && h.State == "Syncing", "renewed before expiry");
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Message.Contains("Syncing -> Authenticating: token expired", StringComparison.Ordinal));
        h.AssertNoLossNoDuplicates();
    }

    [Fact]
    public async Task An_invalid_API_key_is_a_visible_permanent_failure_without_retries_until_the_key_changes()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync(spec => spec with { ApiKey = "ck_wrong" });

        await h.RunUntilStateAsync("Degraded");
        Assert.Equal("invalid API key — not retrying", h.Handle.Status.Reason);
        Assert.True(h.Observed.ApiKeyRejected);
        Assert.Equal(FailureKind.InvalidApiKey, h.Observed.LastFailure);

        await h.StepsAsync(200); // 10 s of fake time
        Assert.Equal(1, h.Backend.AuthRequests);
        Assert.Equal("Degraded", h.State);
        Assert.Null(h.Handle.Status.ActionInFlight);

        h.Handle.UpdateSpec(h.Spec with { ApiKey = h.Backend.ApiKey });
        await h.RunUntilStateAsync("Syncing");
        Assert.Equal(2, h.Backend.AuthRequests);
    }

    [Fact]
    public async Task Graceful_shutdown_drains_the_outbound_queue()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");
        h.Write(3);
        await h.RunUntilAsync(h.AllDelivered, "first messages");
        await h.StepsAsync(5); // the observation now says nothing is pending

        h.Write(150); // more than one batch, written after the last observation
        await h.ShutdownAsync();

        Assert.True(h.Handle.IsRemoved);
        Assert.Equal(153, h.Backend.Received.Count);
        h.AssertNoLossNoDuplicates();
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Message.Contains("shutdown requested; outbound drained", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Shutdown_during_an_outage_keeps_draining_with_backoff_until_the_backend_answers()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync();
        await h.RunUntilStateAsync("Syncing");
        h.Backend.Faults.Mode = FaultKind.Down;
        h.Write(4);
        await h.RunUntilStateAsync("Degraded");

        Task shutdown = h.Supervisor.ShutdownAsync(TestContext.Current.CancellationToken);
        await h.StepsAsync(30);
        Assert.False(h.Handle.IsRemoved); // four messages are still pending
        h.Backend.Faults.Clear();
        await h.RunUntilAsync(() => h.Handle.IsRemoved, "drained and removed");
        Assert.Equal(4, h.Backend.Received.Count);
        h.Time.Advance(CommunicatorHarness.TickInterval);
        await shutdown.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_API_key_and_tokens_never_appear_in_logs_or_exception_messages()
    {
        await using CommunicatorHarness h = await CommunicatorHarness.StartAsync(spec => spec with { ApiKey = "ck_wrong", RequestTimeout = TimeSpan.FromMilliseconds(300) });
        h.Backend.Faults.SlowDelay = TimeSpan.FromSeconds(5);
        await h.RunUntilStateAsync("Degraded");
        h.Handle.UpdateSpec(h.Spec with { ApiKey = h.Backend.ApiKey });
        await h.RunUntilStateAsync("Syncing");

        foreach (FaultKind fault in new[] { FaultKind.Down, FaultKind.Slow, FaultKind.Unauthorized, FaultKind.ServerError, FaultKind.RateLimited, FaultKind.Malformed })
        {
            h.Backend.Faults.Mode = fault;
            h.Write(1);
            await h.RunUntilAsync(() => h.Worker.Stats.LastFailure != FailureKind.None && h.State != "Syncing", $"{fault} noticed");
            h.Backend.Faults.Clear();
            await h.RunUntilAsync(() => h.State == "Syncing" && h.AllDelivered(), $"{fault} recovered");
        }

        h.Backend.Tokens.ExpireAll();
        h.Write(1);
        await h.RunUntilAsync(() => h.State == "Syncing" && h.AllDelivered(), "re-authenticated");
        await h.ShutdownAsync();

        string[] secrets = [h.Backend.ApiKey, "ck_wrong", .. h.Backend.IssuedTokens];
        Assert.True(h.Backend.IssuedTokens.Count >= 3);
        string[] text = [.. h.CapturedText()];
        Assert.NotEmpty(text);
        Assert.Contains(text, t => t.Contains("CommunicatorException", StringComparison.Ordinal)); // exceptions were captured
        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(text, t => t.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(h.Backend.ApiKey, h.Spec.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(h.Backend.ApiKey, new AuthRequest(h.Backend.ApiKey).ToString(), StringComparison.Ordinal);
    }
}
