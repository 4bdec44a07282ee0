using FsmV2.Testing;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;

namespace FsmV2.Tests;

public class SupervisorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pump_worker_runs_end_to_end_through_its_action()
    {
        await using var h = new Harness();
        var pump = new PumpWorker();
        WorkerHandle<PumpConfig, PumpStatus> handle = h.Supervisor.AddWorker("pump-1", pump, new PumpConfig());

        Assert.Equal("Stopped", handle.Status.State);
        h.Supervisor.Tick();
        Assert.Equal("Starting", handle.Status.State);
        Assert.Equal("desired: running", handle.Status.Reason);

        long before = handle.Record.Observation.Version;
        h.Supervisor.Tick(); // Starting: pump not running yet -> Do(StartPump)
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(1, pump.Starts);
        Assert.Equal(ActionOutcome.Succeeded, handle.Status.LastAction?.Outcome);
        Assert.True(handle.Record.Observation.Version > before); // the collection the action's completion triggered
        Assert.True(handle.Record.Observation.Value.Running);

        h.Supervisor.Tick(); // fresh observation after the action: running
        Assert.Equal("Running", handle.Status.State);
        Assert.Equal(LifecyclePhase.RunningHealthy, handle.Status.Phase);
        Assert.True(h.Logged("Starting -> Running: pump reports running"));
    }

    [Fact]
    public async Task Only_one_action_is_in_flight_and_no_decision_is_made_meanwhile()
    {
        await using var h = new Harness();
        var release = new TaskCompletionSource();
        int runs = 0;
        var sensor = new ProbeSensor(ProbeCommand.Work);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor, _ => { Interlocked.Increment(ref runs); return release.Task; }), new ProbeSpec());

        h.Supervisor.Tick();
        Assert.Equal("Work", handle.Status.ActionInFlight);
        for (int i = 0; i < 20; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(40)); // collector keeps observing (stays under the 1 s timeout)
            h.Supervisor.Tick();
        }

        Assert.Equal("Work", handle.Status.ActionInFlight);
        release.SetResult();
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(1, Volatile.Read(ref runs));
        Assert.Null(handle.Status.ActionInFlight);
    }

    [Fact]
    public async Task After_an_action_the_worker_decides_only_on_an_observation_collected_after_completion()
    {
        await using var h = new Harness();
        var sensor = new ProbeSensor(ProbeCommand.Work);
        var release = new TaskCompletionSource();
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor, _ => release.Task), new ProbeSpec());

        h.Supervisor.Tick(); // seq 1: starts Work
        Assert.Equal("work at seq 1", handle.Status.Reason);

        sensor.Command = ProbeCommand.Stay;
        sensor.Hang = true; // the collection triggered by completion will hang
        release.SetResult();
        await handle.ActionCompletion.WaitAsync(Ct);

        h.Supervisor.Tick();
        h.Supervisor.Tick();
        Assert.Equal("work at seq 1", handle.Status.Reason); // no decision on the pre-completion observation

        sensor.Release(); // the post-completion observation arrives
        h.Supervisor.Tick();
        Assert.Equal("seen seq 2", handle.Status.Reason);
    }

    [Fact]
    public async Task A_collector_that_throws_is_recorded_and_does_not_stop_the_tick()
    {
        await using var h = new Harness();
        var broken = new ProbeSensor();
        var healthy = new ProbeSensor(ProbeCommand.GotoNext);
        var brokenHandle = h.Supervisor.AddWorker("broken", new ProbeWorker(broken), new ProbeSpec());
        var healthyHandle = h.Supervisor.AddWorker("healthy", new ProbeWorker(healthy), new ProbeSpec());

        broken.Failure = new IOException("sensor unplugged");
        h.Time.Advance(TimeSpan.FromSeconds(1)); // next collection fails
        h.Supervisor.Tick();

        Assert.IsType<IOException>(brokenHandle.Record.Observation.Error);
        Assert.Equal("sensor unplugged", brokenHandle.Status.CollectError?.Message);
        Assert.Equal("B", healthyHandle.Status.State);
        FakeLogRecordAssert(h, LogLevel.Warning, "broken (ProbeWorker) collector failed (1 in a row)");
    }

    [Fact]
    public async Task A_collector_that_hangs_times_out_then_the_stale_observation_pauses_decisions()
    {
        await using var h = new Harness();
        var sensor = new ProbeSensor(ProbeCommand.Stay);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor), new ProbeSpec());
        h.Supervisor.Tick();
        Assert.Equal("seen seq 1", handle.Status.Reason);

        sensor.Hang = true;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // collection 2 starts and hangs
        h.Time.Advance(TimeSpan.FromSeconds(2)); // ... past CollectTimeout
        Assert.IsAssignableFrom<TimeoutException>(handle.Record.Observation.Error);
        h.Supervisor.Tick();
        Assert.False(handle.Status.IsStale);

        sensor.Command = ProbeCommand.GotoNext;
        h.Time.Advance(TimeSpan.FromSeconds(3)); // observation is now 6 s old > StaleAfter 5 s
        h.Supervisor.Tick();
        Assert.True(handle.Status.IsStale);
        Assert.Equal("A", handle.Status.State); // paused: did not act on GotoNext
        Assert.True(h.Logged("observation is stale"));

        sensor.Release(); // the hung call finally answers, fresh
        h.Supervisor.Tick();
        Assert.False(handle.Status.IsStale);
        Assert.Equal("B", handle.Status.State);
        Assert.True(h.Logged("observation is fresh again"));
    }

    [Fact]
    public async Task An_undeclared_transition_is_refused_and_logged_once()
    {
        await using var h = new Harness();
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.GotoUndeclared)), new ProbeSpec());

        h.Supervisor.Tick();
        h.Supervisor.Tick();

        Assert.Equal("A", handle.Status.State);
        Assert.Single(h.Logs, r => r.Level == LogLevel.Error && r.Message.Contains("asked to go to C, which A does not declare", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_that_throws_is_counted_and_the_worker_keeps_its_state()
    {
        await using var h = new Harness();
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());

        h.Supervisor.Tick();
        h.Supervisor.Tick();

        Assert.Equal("A", handle.Status.State);
        Assert.Equal(2, handle.Status.FaultCount);
        Assert.Contains("probe state threw", handle.Status.LastFault?.Message);
        FakeLogRecordAssert(h, LogLevel.Error, "p (ProbeWorker) state A threw");
    }

    [Fact]
    public async Task Remove_signal_takes_the_worker_out_of_the_supervisor_and_the_store()
    {
        await using var h = new Harness();
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Remove)), new ProbeSpec());

        h.Supervisor.Tick();

        Assert.True(handle.IsRemoved);
        Assert.Equal(0, h.Supervisor.Count);
        Assert.Null(h.Supervisor.Store.Get<ProbeSpec, ProbeObservation>("p"));
        Assert.True(h.Logged("p (ProbeWorker) removed from state A: remove at seq 1"));
    }

    [Fact]
    public async Task Restart_signal_returns_to_the_initial_state_and_waits_for_a_fresh_observation()
    {
        await using var h = new Harness();
        var sensor = new ProbeSensor(ProbeCommand.GotoNext);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor), new ProbeSpec());
        h.Supervisor.Tick();
        Assert.Equal("B", handle.Status.State);

        sensor.Command = ProbeCommand.Restart;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // observed: Restart
        sensor.Command = ProbeCommand.GotoNext;  // what the collection after the restart will see
        long observed = handle.Record.Observation.Version;
        h.Supervisor.Tick();
        Assert.Equal("A", handle.Status.State);
        Assert.Equal(1, handle.Status.RestartCount);

        await Harness.WaitUntil(() => handle.Record.Observation.Version > observed); // the restart's collection runs on the thread pool
        h.Supervisor.Tick();
        Assert.Equal("B", handle.Status.State);
    }

    [Fact]
    public async Task Graceful_shutdown_waits_for_workers_to_reach_a_removable_state()
    {
        var h = new Harness();
        var pump = new PumpWorker();
        var handle = h.Supervisor.AddWorker("pump", pump, new PumpConfig());
        h.Supervisor.Tick();
        h.Supervisor.Tick();
        await handle.ActionCompletion.WaitAsync(Ct);
        h.Supervisor.Tick();
        Assert.Equal("Running", handle.Status.State);

        Task shutdown = h.Supervisor.ShutdownAsync(Ct);
        // First shutdown tick ran synchronously: Running -> Stopped; the next one removes.
        Assert.Equal("Stopped", handle.Status.State);
        Assert.False(shutdown.IsCompleted);
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        await shutdown.WaitAsync(Ct);

        Assert.True(handle.IsRemoved);
        Assert.True(h.Logged("pump (PumpWorker) removed from state Stopped: shutdown requested"));
        Assert.False(h.Logged("Shutdown deadline"));
        Assert.Throws<InvalidOperationException>(() => h.Supervisor.AddWorker("late", new PumpWorker(), new PumpConfig()));
    }

    [Fact]
    public async Task Shutdown_stops_workers_that_never_become_removable_at_the_deadline()
    {
        var options = Harness.DefaultOptions.Clone();
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(500); // shorter than the probe's 1 s action timeout
        var h = new Harness(options);
        var cancelled = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var stubborn = h.Supervisor.AddWorker("stubborn", new ProbeWorker(new ProbeSensor(ProbeCommand.IgnoreShutdown)), new ProbeSpec());
        var busy = h.Supervisor.AddWorker("busy", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async ct =>
        {
            started.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                cancelled.TrySetResult();
            }
        }), new ProbeSpec());
        h.Supervisor.Tick(); // busy starts an endless action
        await started.Task.WaitAsync(Ct);

        Task shutdown = h.Supervisor.ShutdownAsync(Ct);
        for (int i = 0; i < 4; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.False(shutdown.IsCompleted); // 400 ms < ShutdownTimeout
        h.Time.Advance(TimeSpan.FromMilliseconds(100));
        await shutdown.WaitAsync(Ct);

        await cancelled.Task.WaitAsync(Ct);
        Assert.Equal(0, h.Supervisor.Count);
        Assert.True(h.Logged("Shutdown deadline of 500 ms passed with 2 worker(s) not yet removable; stopping them anyway: stubborn, busy"));
        Assert.Equal(ActionOutcome.Cancelled, busy.Status.LastAction?.Outcome);
        Assert.True(stubborn.IsRemoved);
    }

    [Fact]
    public async Task RunAsync_ticks_on_the_interval_of_the_injected_clock_and_shuts_down_when_cancelled()
    {
        var h = new Harness();
        using var cts = new CancellationTokenSource();
        var handle = h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig(Run: false));
        Task run = h.Supervisor.RunAsync(cts.Token);

        Assert.Equal(0, h.Supervisor.TickCount);
        h.Time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(0, h.Supervisor.TickCount);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, h.Supervisor.TickCount);
        h.Time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(4, h.Supervisor.TickCount);
        Assert.Equal("desired: stopped", handle.Status.Reason);

        await cts.CancelAsync();
        await run.WaitAsync(Ct);
        Assert.True(handle.IsRemoved);
        Assert.True(h.Supervisor.IsShuttingDown);
    }

    [Fact]
    public async Task An_action_that_overruns_its_timeout_is_cancelled_and_recorded()
    {
        await using var h = new Harness();
        var handle = h.AddWorkerWithEndlessAction("p", out Task started);
        h.Supervisor.Tick();
        await started.WaitAsync(Ct); // the timeout counts from when the action starts running
        Assert.Equal("Work", handle.Status.ActionInFlight);

        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("Work", handle.Status.ActionInFlight);
        h.Time.Advance(TimeSpan.FromMilliseconds(1)); // [Action(TimeoutMs = 1_000)]
        await handle.ActionCompletion.WaitAsync(Ct);

        Assert.Equal(ActionOutcome.TimedOut, handle.Status.LastAction?.Outcome);
        Assert.True(h.Logged("p (ProbeWorker) action Work timed out after 1000 ms"));
    }

    [Fact]
    public async Task An_action_that_throws_or_returns_null_is_contained_and_frees_its_slot()
    {
        await using var h = new Harness();
        var throwing = h.Supervisor.AddWorker("throws", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ => throw new InvalidOperationException("boom")), new ProbeSpec());
        var nulls = h.Supervisor.AddWorker("nulls", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ => null!), new ProbeSpec());
        h.Supervisor.Tick();
        await throwing.ActionCompletion.WaitAsync(Ct);
        await nulls.ActionCompletion.WaitAsync(Ct);

        Assert.Equal(ActionOutcome.Failed, throwing.Status.LastAction?.Outcome);
        Assert.Equal("boom", throwing.Status.LastAction?.Error?.Message);
        Assert.Equal(ActionOutcome.Failed, nulls.Status.LastAction?.Outcome);
        Assert.Contains("returned a null Task", nulls.Status.LastAction?.Error?.Message);
        Assert.Equal(0, h.Pool.Running);
    }

    [Fact]
    public async Task Worker_ids_are_unique()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("same", new PumpWorker(), new PumpConfig());
        var error = Assert.Throws<ArgumentException>(() => h.Supervisor.AddWorker("same", new PumpWorker(), new PumpConfig()));
        Assert.Contains("'same' already exists", error.Message);
    }

    [Fact]
    public async Task Removing_a_worker_asks_it_to_shut_down_gracefully()
    {
        await using var h = new WorkerHarness<PumpConfig, PumpStatus>(new PumpWorker(), new PumpConfig(Run: false), new PumpStatus(false), new() { Id = "pump" });
        h.Tick();
        Assert.False(h.IsRemoved);

        Assert.True(h.Supervisor.RemoveWorker("pump"));
        Assert.False(h.Supervisor.RemoveWorker("nobody"));
        h.Tick();
        h.AssertSignalled(Signal.Remove);
        Assert.True(h.IsRemoved);
    }

    [Fact]
    public async Task Updating_the_spec_changes_the_desired_state_seen_by_the_states()
    {
        await using var h = new WorkerHarness<PumpConfig, PumpStatus>(new PumpWorker(), new PumpConfig(Run: false), new PumpStatus(false));
        h.Tick();
        Assert.Equal("desired: stopped", h.Handle.Status.Reason);

        long version = h.Handle.Record.DesiredVersion;
        h.UpdateSpec(new PumpConfig(Run: true));
        Assert.Equal(version + 1, h.Handle.Record.DesiredVersion);
        h.Tick();
        h.AssertTransitioned(PumpWorker.State.Stopped, PumpWorker.State.Starting);
    }

    [Theory]
    [InlineData(nameof(SupervisorOptions.TickInterval))]
    [InlineData(nameof(SupervisorOptions.CollectInterval))]
    [InlineData(nameof(SupervisorOptions.CollectTimeout))]
    [InlineData(nameof(SupervisorOptions.StaleAfter))]
    [InlineData(nameof(SupervisorOptions.DefaultActionTimeout))]
    [InlineData(nameof(SupervisorOptions.ShutdownTimeout))]
    public void Invalid_options_are_rejected_with_the_option_name(string option)
    {
        var options = new SupervisorOptions();
        typeof(SupervisorOptions).GetProperty(option)!.SetValue(options, TimeSpan.FromSeconds(-1));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(options));
        Assert.Equal(option, error.ParamName);
        Assert.Contains($"SupervisorOptions.{option}", error.Message);
    }

    [Fact]
    public void StaleAfter_must_exceed_the_collect_interval()
    {
        var options = new SupervisorOptions { CollectInterval = TimeSpan.FromSeconds(10), StaleAfter = TimeSpan.FromSeconds(5) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(options));
        Assert.Equal(nameof(SupervisorOptions.StaleAfter), error.ParamName);
    }

    private static void FakeLogRecordAssert(Harness h, LogLevel level, string fragment) =>
        Assert.Contains(h.Logs, r => r.Level == level && r.Message.Contains(fragment, StringComparison.Ordinal));
}
