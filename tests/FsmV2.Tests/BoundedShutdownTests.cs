using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Tests;

/// <summary>
/// <see cref="Supervisor.ShutdownAsync"/> never outlasts its token: workers whose actions ignore cancellation are
/// abandoned, not awaited, and a warning names them and their actions.
/// </summary>
public class BoundedShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_shutdown_with_a_cancelled_token_returns_at_once_abandoning_an_action_that_ignores_cancellation_and_names_it()
    {
        await using var h = new Harness();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var deaf = h.Supervisor.AddWorker("deaf", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async _ =>
        {
            started.TrySetResult();
            await release.Task; // ignores its token
        }), new ProbeSpec());
        h.Supervisor.Tick(); // Do(Work)
        await started.Task.WaitAsync(Ct);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Task shutdown = h.Supervisor.ShutdownAsync(cancelled.Token);

        Assert.True(shutdown.IsCompletedSuccessfully); // the fake clock never moved: nothing was awaited
        Assert.Equal(0, h.Supervisor.Count);
        Assert.True(deaf.IsRemoved);
        Assert.Equal("Work", deaf.Status.ActionInFlight); // abandoned, still running
        FakeLogRecord forced = Assert.Single(Events(h, "ShutdownCancelled", 16));
        Assert.Equal(("1", "deaf"), (forced.GetStructuredStateValue("Remaining"), forced.GetStructuredStateValue("WorkerIds")));
        FakeLogRecord abandoned = Assert.Single(Events(h, "ShutdownAbandoned", 22));
        Assert.Equal(("1", "deaf (action Work)"), (abandoned.GetStructuredStateValue("Count"), abandoned.GetStructuredStateValue("Workers")));
        Assert.Empty(Events(h, "ShutdownDeadline", 14));

        release.SetResult(); // it returns later, in the background
        await deaf.ActionCompletion.WaitAsync(Ct);
    }

    [Fact]
    public async Task Cancelling_the_token_while_the_forced_stop_waits_on_a_deaf_action_returns_and_names_it()
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(500); // before the probe's action is abandoned at 3 x 1 s
        await using var h = new Harness(options);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var deaf = h.Supervisor.AddWorker("deaf", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async _ =>
        {
            started.TrySetResult();
            await release.Task; // ignores its token
        }), new ProbeSpec());
        h.Supervisor.Tick();
        await started.Task.WaitAsync(Ct);

        using var cts = new CancellationTokenSource();
        Task shutdown = h.Supervisor.ShutdownAsync(cts.Token);
        for (int i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Single(Events(h, "ShutdownDeadline", 14)); // forced at 500 ms ...
        Assert.False(shutdown.IsCompleted); // ... and waiting for the action, which ignores its cancellation
        await cts.CancelAsync();
        await shutdown.WaitAsync(TimeSpan.FromSeconds(20), Ct); // a bound that fails instead of hanging

        FakeLogRecord abandoned = Assert.Single(Events(h, "ShutdownAbandoned", 22));
        Assert.Equal("deaf (action Work)", abandoned.GetStructuredStateValue("Workers"));
        Assert.Empty(Events(h, "ShutdownCancelled", 16)); // the deadline forced it, not the token
        Assert.Equal("Work", deaf.Status.ActionInFlight);
        release.SetResult();
        await deaf.ActionCompletion.WaitAsync(Ct);
    }

    [Fact]
    public async Task The_warning_names_the_child_whose_action_ignores_cancellation()
    {
        await using var h = new Harness();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("fine", new NodeSpec()))
            .Add(DeafCellWorker.AsChild("deaf", new NodeSpec(), () => new DeafCellWorker(release.Task, started)))));
        for (int i = 0; i < 10 && !started.Task.IsCompleted; i++)
        {
            h.Step();
        }

        await started.Task.WaitAsync(Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Task shutdown = h.Supervisor.ShutdownAsync(cancelled.Token);

        Assert.True(shutdown.IsCompletedSuccessfully);
        FakeLogRecord abandoned = Assert.Single(Events(h, "ShutdownAbandoned", 22));
        Assert.Equal(("1", "line/deaf (action Hold)"), (abandoned.GetStructuredStateValue("Count"), abandoned.GetStructuredStateValue("Workers")));
        Assert.Null(h.Supervisor.GetStatus("line/deaf"));
        release.SetResult();
    }

    private static FakeLogRecord[] Events(Harness h, string name, int id)
    {
        FakeLogRecord[] records = [.. h.Logs.Where(r => r.Id.Name == name)];
        Assert.All(records, r => Assert.Equal((id, LogLevel.Warning), (r.Id.Id, r.Level)));
        return records;
    }
}
