using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Tests;

/// <summary><see cref="SupervisorOptions.ActionRetryBackoff"/>: a failed action is started again only after a backoff.</summary>
public class ActionRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SupervisorOptions WithRetryBackoff()
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.ActionRetryBackoff = new BackoffOptions { Jitter = JitterMode.None, InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2 };
        return options;
    }

    [Fact]
    public async Task A_failing_action_is_held_back_for_a_growing_delay_and_a_success_resets_it()
    {
        await using var h = new Harness(WithRetryBackoff());
        int runs = 0;
        bool fail = true;
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ =>
        {
            runs++;
            return fail ? Task.FromException(new IOException("device offline")) : Task.CompletedTask;
        }), new ProbeSpec());

        h.Supervisor.Tick(); // run 1 fails
        await handle.ActionCompletion.WaitAsync(Ct);
        h.Supervisor.Tick(); // the worker asks again: held back for 1 s
        Assert.Equal(1, runs);
        Assert.Single(Held(h), r => r.GetStructuredStateValue("Failures") == "1" && r.GetStructuredStateValue("RetryInMs") == "1000");

        DateTimeOffset failedAt = h.Time.GetUtcNow();
        Assert.Equal(failedAt + TimeSpan.FromSeconds(1), handle.Status.ActionRetryAt);
        h.Step(9); // 0.9 s: still held, and the hold is logged once
        Assert.Equal(1, runs);
        Assert.Single(Held(h));
        h.Step(); // 1 s after the failure: run 2, which fails too
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(2, runs);

        h.Supervisor.Tick(); // held back for 2 s now
        Assert.Equal("2000", Held(h)[^1].GetStructuredStateValue("RetryInMs"));
        h.Step(19);
        Assert.Equal(2, runs);

        fail = false;
        h.Step(); // 2 s after the second failure: run 3 succeeds
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(3, runs);
        Assert.Null(handle.Status.ActionRetryAt); // nothing held after a success

        fail = true;
        h.Supervisor.Tick(); // nothing held after a success: run 4 at once, which fails
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(4, runs);
        h.Supervisor.Tick();
        FakeLogRecordAssertLast(h, failures: "1", retryInMs: "1000"); // the count started again
        Assert.Equal("Worker p (ProbeWorker) holds action Work back after 1 consecutive failure(s); next attempt in 1000 ms (SupervisorOptions.ActionRetryBackoff)", Held(h)[^1].Message);
    }

    [Fact]
    public async Task Without_a_retry_backoff_a_failed_action_runs_again_on_the_next_fresh_observation()
    {
        await using var h = new Harness();
        int runs = 0;
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ =>
        {
            runs++;
            return Task.FromException(new IOException("device offline"));
        }), new ProbeSpec());

        h.Supervisor.Tick();
        await handle.ActionCompletion.WaitAsync(Ct);
        h.Supervisor.Tick();
        await handle.ActionCompletion.WaitAsync(Ct);

        Assert.Equal(2, runs);
        Assert.Empty(Held(h));
    }

    [Fact]
    public void A_bad_retry_backoff_is_rejected_naming_the_option()
    {
        SupervisorOptions options = WithRetryBackoff();
        options.ActionRetryBackoff!.InitialDelay = TimeSpan.Zero;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(options));
        Assert.Equal("InitialDelay", error.ParamName);
    }

    private static List<FakeLogRecord> Held(Harness h) => h.Logs.Where(r => r.Id.Name == "ActionRetryHeld").ToList();

    private static void FakeLogRecordAssertLast(Harness h, string failures, string retryInMs)
    {
        var last = Held(h)[^1];
        Assert.Equal(LogLevel.Information, last.Level);
        Assert.Equal(failures, last.GetStructuredStateValue("Failures"));
        Assert.Equal(retryInMs, last.GetStructuredStateValue("RetryInMs"));
    }
}
