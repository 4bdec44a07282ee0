using FsmV2.Tests.Workers;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Orleans.Tests;

/// <summary>
/// The store of one worker grain, without a cluster: what it persists, how a new activation resumes from it. The
/// supervisors run on a fake clock and are not disposed (a shutdown ticks on that clock; only the shutdown test drives one).
/// </summary>
public sealed class GrainWorkerStoreTests
{
    private static readonly SupervisorOptions Options = new() { TickInterval = TimeSpan.FromMilliseconds(100), CollectInterval = TimeSpan.FromMilliseconds(500) };
    private readonly FakeTimeProvider _time = TestClock.Clock();

    [Fact]
    public async Task A_new_activation_resumes_each_worker_in_its_persisted_state_with_its_restart_count()
    {
        var first = new GrainWorkerStore("test grain", []);
        var supervisor = new Supervisor(Options, _time, store: first);
        WorkerHandle<PumpConfig, PumpStatus> pump = supervisor.AddWorker("pump-1", new PumpWorker(), new PumpConfig());
        await StepUntil(supervisor, () => pump.Status.State == "Running");
        supervisor.RestartWorker("pump-1", "test");
        await StepUntil(supervisor, () => pump.Status is { State: "Running", RestartCount: 1 });

        Dictionary<string, WorkerRow> rows = Assert.IsType<Dictionary<string, WorkerRow>>(first.TakeChanges());
        Assert.Equal(("Running", 1), (rows["pump-1"].StateName, rows["pump-1"].RestartCount));
        Assert.Null(first.TakeChanges()); // nothing changed since

        var second = new GrainWorkerStore("test grain", rows.Values);
        var next = new Supervisor(Options, _time, store: second);
        var worker = new PumpWorker();
        WorkerHandle<PumpConfig, PumpStatus> resumed = next.AddWorker("pump-1", worker, new PumpConfig());
        Assert.Equal(("Running", 1), (resumed.Status.State, resumed.Status.RestartCount));
        Assert.Equal("test", Assert.Single(resumed.Record.RestartHistory).Reason.Replace("operator: ", "", StringComparison.Ordinal));
        Assert.Equal(0, worker.Starts); // resumed, not started again
    }

    [Fact]
    public void An_id_persisted_for_another_worker_type_is_refused_and_kept()
    {
        var store = new GrainWorkerStore("grain state of worker grain 'pump-1'", [new WorkerRow("pump-1", "OtherWorker", "Up", TestClock.Start, 2, [])]);
        var supervisor = new Supervisor(Options, _time, store: store);

        var error = Assert.Throws<ArgumentException>(() => supervisor.AddWorker("pump-1", new PumpWorker(), new PumpConfig()));

        Assert.Contains("Worker 'pump-1' is persisted in grain state of worker grain 'pump-1' as type 'OtherWorker', not 'PumpWorker'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shutdown_persists_the_rows_as_they_were_when_it_began_not_the_wind_down()
    {
        var store = new GrainWorkerStore("test grain", []);
        var supervisor = new Supervisor(Options, _time, store: store);
        WorkerHandle<PumpConfig, PumpStatus> pump = supervisor.AddWorker("pump-1", new PumpWorker(), new PumpConfig());
        await StepUntil(supervisor, () => pump.Status.State == "Running");
        _ = store.TakeChanges();

        store.OnShutdown(); // as WorkerGrain.OnDeactivateAsync, before the supervisor winds down
        Task shutdown = supervisor.ShutdownAsync(TestContext.Current.CancellationToken);
        for (int step = 0; step < 2_000 && !shutdown.IsCompleted; step++)
        {
            _time.Advance(Options.TickInterval); // the shutdown ticks on the (fake) clock
            await Task.Yield();
        }

        await shutdown;
        Assert.Equal(0, supervisor.Count); // the pump wound down and left

        Dictionary<string, WorkerRow> rows = Assert.IsType<Dictionary<string, WorkerRow>>(store.TakeChanges());
        Assert.Equal("Running", rows["pump-1"].StateName);
        Assert.Null(store.TakeChanges());
    }

    [Fact]
    public void A_failed_write_shows_in_the_status_until_a_write_succeeds()
    {
        var store = new GrainWorkerStore("grain state of worker grain 'x'", []);

        store.Failed(new InvalidOperationException("storage down"));
        StoreStatus failed = store.Status;
        store.Written(3, TestClock.Start);

        Assert.Equal((false, 1L), (failed.IsHealthy, failed.FailedAttempts));
        Assert.Equal("grain state of worker grain 'x': writing grain state failed: InvalidOperationException: storage down", failed.LastError);
        Assert.Equal((true, null, 3L, (DateTimeOffset?)TestClock.Start), (store.Status.IsHealthy, store.Status.LastError, store.Status.WrittenRecords, store.Status.LastWriteAt));
    }

    // Ticks on the fake clock until the condition holds; the collector runs on the thread pool, so each step yields
    // (a generous wall-clock bound only fails the test instead of hanging).
    private async Task StepUntil(Supervisor supervisor, Func<bool> condition)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && bound.Elapsed < TimeSpan.FromSeconds(20))
        {
            _time.Advance(Options.TickInterval);
            supervisor.Tick();
            for (int i = 0; i < 10 && !condition(); i++)
            {
                await Task.Yield();
            }
        }

        Assert.True(condition(), "the condition did not hold within 20 s of ticks");
    }
}
