using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;

namespace FsmV2.Tests;

/// <summary>Circuit breakers, restarts and escalation inside the supervisor's tick, on a fake clock.</summary>
public class SupervisionIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkerStatus Status(Harness h, string id) => h.Supervisor.GetStatus(id)!;

    [Fact]
    public async Task Repeated_faults_open_the_workers_circuit_and_it_stops_deciding_while_its_collector_keeps_collecting()
    {
        await using var h = new Harness(Harness.ExactBackoff(o => o.Circuit.Backoff.InitialDelay = TimeSpan.FromSeconds(5)));
        var sensor = new ProbeSensor(ProbeCommand.Throw);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor), new ProbeSpec());

        h.Supervisor.Tick();
        h.Supervisor.Tick();
        Assert.Equal(CircuitState.Closed, handle.Status.Circuit);
        h.Supervisor.Tick(); // third fault
        Assert.Equal(CircuitState.Open, handle.Status.Circuit);
        Assert.True(h.Logged("Circuit OPEN for p (ProbeWorker); error scope Worker: state A threw 3 times within 300 s"));

        long version = handle.Record.Observation.Version;
        for (int i = 0; i < 49; i++) // 4.9 s of ticks while open
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
            h.Supervisor.Tick();
        }

        Assert.Equal(3, handle.Status.FaultCount); // no decisions while open
        Assert.Equal(version + 4, handle.Record.Observation.Version); // ... but the collector kept collecting

        sensor.Command = ProbeCommand.Stay;
        h.Time.Advance(TimeSpan.FromMilliseconds(100)); // 5 s after opening: the probe
        h.Supervisor.Tick();
        Assert.Equal(CircuitState.Closed, handle.Status.Circuit);
        Assert.StartsWith("seen seq", handle.Status.Reason);
        Assert.True(h.Logged("Circuit CLOSED for p (ProbeWorker); error scope Worker: probe succeeded"));
    }

    [Fact]
    public async Task A_failed_probe_reopens_the_circuit_with_the_next_longer_delay()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());
        h.Supervisor.Tick();
        h.Supervisor.Tick();
        h.Supervisor.Tick(); // opens; probe due in 1 s

        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        h.Supervisor.Tick();
        Assert.Equal(3, handle.Status.FaultCount);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        h.Supervisor.Tick(); // probe: throws again
        Assert.Equal(4, handle.Status.FaultCount);
        Assert.Equal(CircuitState.Open, handle.Status.Circuit);
        Assert.True(h.Logged("Attempt 2 of 5; next retry in 2.0 s"));

        h.Time.Advance(TimeSpan.FromMilliseconds(1_999));
        h.Supervisor.Tick();
        Assert.Equal(4, handle.Status.FaultCount);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        h.Supervisor.Tick(); // second probe at exactly +2 s
        Assert.Equal(5, handle.Status.FaultCount);
    }

    [Fact]
    public async Task An_operator_is_warned_one_attempt_before_escalation_and_the_escalation_carries_runbook_steps()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());
        for (int i = 0; i < 3; i++)
        {
            h.Supervisor.Tick();
        }

        foreach (int delay in new[] { 1, 2, 4, 8 })
        {
            h.Time.Advance(TimeSpan.FromSeconds(delay));
            h.Supervisor.Tick(); // failed probe
        }

        Assert.Contains(h.Logs, r => r.Level == LogLevel.Warning && r.Message.Contains("p (ProbeWorker) will ESCALATE after one more failed attempt (4 of 5)", StringComparison.Ordinal));
        FakeLogRecordAssert(h, LogLevel.Error, "ESCALATION: p (ProbeWorker) did not recover after 5 attempts");
        FakeLogRecordAssert(h, LogLevel.Error, "Runbook: docs/runbook.md#escalation");
    }

    [Fact]
    public async Task An_escalation_raises_Escalated_once_with_its_details_and_a_throwing_handler_stops_neither_the_others_nor_the_tick()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var seen = new List<(object? Sender, EscalationMessage Message)>();
        h.Supervisor.Escalated += (_, _) => throw new InvalidOperationException("pager offline");
        h.Supervisor.Escalated += (sender, message) => seen.Add((sender, message));
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());
        for (int i = 0; i < 3; i++)
        {
            h.Supervisor.Tick(); // three faults open the circuit: attempt 1
        }

        foreach (int delay in new[] { 1, 2, 4 })
        {
            h.Time.Advance(TimeSpan.FromSeconds(delay));
            h.Supervisor.Tick(); // failed probes: attempts 2 to 4
        }

        Assert.Empty(seen);
        h.Time.Advance(TimeSpan.FromSeconds(8));
        h.Supervisor.Tick(); // attempt 5 of 5

        var (sender, message) = Assert.Single(seen);
        Assert.Same(h.Supervisor, sender);
        Assert.Equal("p", message.Name);
        Assert.Equal(ErrorScope.Worker, message.Scope);
        Assert.Equal(5, message.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(15), message.Downtime);
        Assert.NotEmpty(message.Steps);
        Assert.Contains(h.Logs, r => r.Level == LogLevel.Error && r.Message.StartsWith("A Supervisor.Escalated handler threw while handling the escalation of p: pager offline", StringComparison.Ordinal));

        long collected = handle.Record.Observation.Version;
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Supervisor.Tick(); // the supervisor goes on
        Assert.True(handle.Record.Observation.Version > collected);
        Assert.Single(seen); // raised once per escalation, not on every tick after it
    }

    [Fact]
    public async Task A_heartbeat_is_logged_while_a_circuit_is_open_at_most_every_ten_seconds()
    {
        SupervisorOptions options = Harness.ExactBackoff(o => o.Circuit.Backoff.InitialDelay = TimeSpan.FromSeconds(60));
        await using var h = new Harness(options);
        h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());
        for (int i = 0; i < 3; i++)
        {
            h.Supervisor.Tick();
        }

        for (int i = 0; i < 250; i++) // 25 s of ticks while open
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
            h.Supervisor.Tick();
        }

        var beats = h.Logs.Where(r => r.Message.StartsWith("Circuit still open for p", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, beats.Count); // at 0 s, 10 s and 20 s
        Assert.Contains("error scope Worker; attempt 1 of 5; down for 20 s; next retry in 39.9 s", beats[^1].Message);
    }

    [Fact]
    public async Task An_action_guarding_its_call_with_a_breaker_of_its_own_fails_at_once_while_that_circuit_is_open()
    {
        await using var h = new Harness();
        var device = new CircuitBreaker("device-api", new CircuitBreakerOptions { FailureThreshold = 2, Backoff = { Jitter = JitterMode.None } }, h.Time);
        int calls = 0;
        bool offline = true;
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), ct => device.ExecuteAsync(
            _ =>
            {
                calls++;
                return offline ? ValueTask.FromException(new IOException("device offline")) : ValueTask.CompletedTask;
            },
            ct).AsTask()), new ProbeSpec());

        for (int run = 0; run < 3; run++) // two failed calls open the device's circuit; the third run is refused
        {
            h.Supervisor.Tick();
            await handle.ActionCompletion.WaitAsync(Ct);
        }

        Assert.Equal(2, calls);
        ActionResult refused = handle.RecentActions[^1];
        Assert.Equal(ActionOutcome.Failed, refused.Outcome);
        Assert.Equal("device-api", Assert.IsType<CircuitOpenException>(refused.Error).BreakerName);
        Assert.Equal(CircuitState.Closed, handle.Status.Circuit); // the worker's own circuits are not involved
        Assert.Equal((2L, 1L), (device.Statistics.FailureCount, device.Statistics.RefusedCount));

        offline = false;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // the device circuit's backoff: the next run is its probe
        h.Supervisor.Tick();
        await handle.ActionCompletion.WaitAsync(Ct);

        Assert.Equal(3, calls);
        Assert.Equal(ActionOutcome.Succeeded, handle.RecentActions[^1].Outcome);
        Assert.Equal(CircuitState.Closed, device.State);
    }

    [Fact]
    public async Task An_action_that_times_out_while_its_guarded_call_waits_is_not_a_failure_of_that_call()
    {
        await using var h = new Harness();
        var device = new CircuitBreaker("device-api", timeProvider: h.Time); // the default threshold: one failure would open it
        var waiting = new TaskCompletionSource();
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), ct => device.ExecuteAsync(
            async c =>
            {
                waiting.TrySetResult();
                await Task.Delay(Timeout.Infinite, c); // a call without a timeout of its own
            },
            ct).AsTask()), new ProbeSpec());

        h.Supervisor.Tick();
        await waiting.Task.WaitAsync(Ct);
        h.Time.Advance(TimeSpan.FromSeconds(1)); // the action's timeout cancels its token
        await handle.ActionCompletion.WaitAsync(Ct);

        Assert.Equal(ActionOutcome.TimedOut, handle.RecentActions[^1].Outcome);
        Assert.Equal((CircuitState.Closed, 0L, 0L), (device.State, device.Statistics.FailureCount, device.Statistics.SuccessCount));
    }

    [Fact]
    public async Task A_failed_child_opens_its_parents_infrastructure_circuit_and_is_restarted_at_the_backoff_time()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        int created = 0;
        var first = new CellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("flaky", new NodeSpec(), () => Interlocked.Increment(ref created) == 1 ? first : new CellWorker()))
            .Add(CellWorker.AsChild("steady", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);

        first.Fails = true;
        for (int i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        Assert.Equal(CircuitState.Open, line.Status.Circuit);
        DateTimeOffset opened = h.Time.GetUtcNow();
        Assert.True(h.Logged("Circuit OPEN for line (LineWorker); error scope Infrastructure: child line/flaky: child's own circuit is open. Attempt 1 of 5; next retry in 1.0 s"));

        line.UpdateSpec(new NodeSpec(Kids: specs) with { Setting = "changed while open" }); // no reconcile while open
        h.Time.Advance(TimeSpan.FromMilliseconds(900));
        h.Supervisor.Tick();
        Assert.Equal(1, created);

        h.Time.Advance(TimeSpan.FromMilliseconds(100)); // exactly the 1 s backoff: restart, check, close
        h.Supervisor.Tick();
        Assert.Equal(2, created);
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);
        Assert.Equal(CircuitState.Closed, Status(h, "line/flaky").Circuit);
        Assert.True(h.Logged("Worker line restarts child line/flaky (OneForOne)"));
        Assert.True(h.Logged("Circuit CLOSED for line (LineWorker); error scope Infrastructure"));
        Assert.Equal(TimeSpan.FromSeconds(1), h.Time.GetUtcNow() - opened);
        Assert.Equal("Running", Status(h, "line/steady").State);
    }

    [Fact]
    public async Task A_child_that_does_not_reach_running_within_its_startup_timeout_fails_and_is_restarted()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        int created = 0;
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("slow", new NodeSpec(Run: false), () =>
            {
                Interlocked.Increment(ref created);
                return new CellWorker();
            }).WithStartupTimeout(TimeSpan.FromSeconds(2)))
            .Add(CellWorker.AsChild("fine", new NodeSpec()).WithStartupTimeout(TimeSpan.FromSeconds(2)));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(); // the parent starts its children (stopped: the parent itself is still Stopped) and goes Running
        Assert.NotNull(h.Supervisor.GetStatus("line/slow"));
        h.Step(); // the children are asked to run: their startup clock starts
        DateTimeOffset started = h.Time.GetUtcNow();

        for (int i = 0; i < 100 && line.Status.Circuit == CircuitState.Closed; i++)
        {
            h.Step();
        }

        Assert.Equal(TimeSpan.FromSeconds(2), h.Time.GetUtcNow() - started);
        Assert.Equal(CircuitState.Open, line.Status.Circuit);
        Assert.True(h.Logged("Worker line: child line/slow did not reach a running state within 2000 ms of starting (still in Stopped)"));
        Assert.True(h.Logged("Circuit OPEN for line (LineWorker); error scope Infrastructure: child line/slow: child reports unhealthy"));
        Assert.False(h.Logged("child line/fine did not reach a running state")); // it ran at once

        h.Time.Advance(TimeSpan.FromSeconds(1)); // the probe: the failed child is restarted and its clock starts again
        h.Supervisor.Tick();
        Assert.Equal(2, created);
        Assert.True(h.Logged("Worker line restarts child line/slow (OneForOne)"));
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);
        Assert.Equal("Running", Status(h, "line/fine").State);
    }

    [Fact]
    public async Task A_child_that_is_not_asked_to_run_is_not_held_to_its_startup_timeout()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("off", new NodeSpec(), enabled: false).WithStartupTimeout(TimeSpan.FromSeconds(1)));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(30);

        Assert.Equal("Stopped", Status(h, "line/off").State);
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);
        Assert.False(h.Logged("did not reach a running state"));
    }

    [Fact]
    public async Task A_child_with_its_own_shutdown_timeout_is_stopped_after_it_rather_than_the_supervisors()
    {
        await using var h = new Harness();
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>()
            .Add(StubbornCellWorker.AsChild("stubborn", new NodeSpec()).WithShutdownTimeout(TimeSpan.FromSeconds(1)))));
        h.Step(2);

        line.UpdateSpec(new NodeSpec(Kids: new ChildSpecs<LineWorker>()));
        h.Supervisor.Tick(); // asked to leave
        h.Step(9);
        Assert.Equal("refusing to leave", Status(h, "line/stubborn").Reason);
        h.Step(); // 1 s after it was asked to leave (the supervisor's ShutdownTimeout is 10 s): stopped
        h.Supervisor.Tick(); // and dropped

        Assert.Null(h.Supervisor.GetStatus("line/stubborn"));
        Assert.True(h.Logged("Worker line: child line/stubborn did not reach a removable state within 1000 ms of being asked to leave; stopped anyway"));
    }

    [Fact]
    public async Task A_failing_sanity_check_opens_a_parents_infrastructure_circuit_until_it_passes()
    {
        var broker = new BrokerCheck();
        await using var h = new Harness(Harness.ExactBackoff(o => o.SanityChecks = [broker]));
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(2);
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);

        broker.Reachable = false;
        h.Step();
        Assert.Equal(CircuitState.Open, line.Status.Circuit);
        Assert.True(h.Logged("Circuit OPEN for line (LineWorker); error scope Infrastructure: sanity check broker: broker unreachable"));

        broker.Reachable = true;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // the probe: the check passes again
        h.Supervisor.Tick();
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);
    }

    private sealed class BrokerCheck : ISanityCheck
    {
        public bool Reachable { get; set; } = true;

        public string Name => "broker";

        public HealthResult Check(DateTimeOffset now) => Reachable ? HealthResult.Healthy : HealthResult.Unhealthy("broker unreachable");
    }

    [Theory]
    [InlineData(RestartStrategy.OneForOne, "b", "b")]
    [InlineData(RestartStrategy.OneForAll, "b", "a,b,c")]
    [InlineData(RestartStrategy.RestForOne, "b", "b,c")]
    public async Task Restart_strategies_restart_the_children_OTP_restarts(RestartStrategy strategy, string failing, string expected)
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var starts = new Dictionary<string, int>();
        var instances = new Dictionary<string, CellWorker>();
        Func<CellWorker> Factory(string name) => () =>
        {
            starts[name] = starts.GetValueOrDefault(name) + 1;
            return instances[name] = new CellWorker();
        };

        var specs = new ChildSpecs<LineWorker>();
        foreach (string name in new[] { "a", "b", "c" })
        {
            specs.Add(CellWorker.AsChild(name, new NodeSpec(), Factory(name)));
        }

        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs, Strategy: strategy));
        h.Step(3);
        instances[failing].Fails = true;
        for (int i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Supervisor.Tick();

        string restarted = string.Join(",", starts.Where(s => s.Value == 2).Select(s => s.Key).Order());
        Assert.Equal(expected, restarted);
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);
    }

    [Fact]
    public async Task A_child_restarted_while_its_action_is_in_flight_has_it_cancelled_not_duplicated()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var flaky = new CellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(BusyCellWorker.AsChild("busy", new NodeSpec()))
            .Add(CellWorker.AsChild("flaky", new NodeSpec(), () => flaky));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs, Strategy: RestartStrategy.OneForAll));
        h.Supervisor.Tick(); // busy starts Process
        await Harness.WaitUntil(() => Volatile.Read(ref BusyCellWorker.Started) == 1);

        flaky.Fails = true;
        for (int i = 0; i < 4; i++) // three faults open flaky's circuit, then the line's; 1 s later both children restart
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        await Harness.WaitUntil(() => Volatile.Read(ref BusyCellWorker.Cancelled) == 1);
        Assert.True(h.Logged("Worker line restarts child line/busy (OneForAll)"));
        // The new busy instance starts its own run once the cancelled one has ended (ticking until then).
        await Harness.WaitUntil(() =>
        {
            h.Supervisor.Tick();
            return Volatile.Read(ref BusyCellWorker.Started) == 2;
        });

        Assert.Equal(1, BusyCellWorker.MaxConcurrent); // never two runs at once
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);
        Assert.Equal("Process", h.Supervisor.GetStatus("line/busy")!.ActionInFlight);
    }

    [Fact]
    public async Task A_temporary_child_is_never_restarted_even_as_a_bystander()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var failing = new CellWorker();
        int temporaryStarts = 0;
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("temp", new NodeSpec(), () => { temporaryStarts++; return new CellWorker(); }).WithPolicy(RestartPolicy.Temporary))
            .Add(CellWorker.AsChild("perm", new NodeSpec(), () => failing));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs, Strategy: RestartStrategy.OneForAll));
        h.Step(3);

        failing.Fails = true;
        for (int i = 0; i < 4; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        Assert.Equal(1, temporaryStarts);
        Assert.Null(h.Supervisor.GetStatus("line/temp"));
        Assert.True(h.Logged("Worker line does not restart child line/temp: its restart policy is Temporary"));
    }

    [Fact]
    public async Task Exceeding_the_restart_intensity_escalates_to_the_parents_own_circuit()
    {
        await using var h = new Harness(Harness.ExactBackoff(o => o.RestartIntensity.MaxRestarts = 2));
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("doomed", new NodeSpec(), () => new CellWorker { Fails = true }));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));

        for (int i = 0; i < 40 && !h.Logged("exceeded its restart intensity"); i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        FakeLogRecordAssert(h, LogLevel.Error, "ESCALATION: worker line exceeded its restart intensity (more than 2 restarts within 60 s)");
        Assert.Equal(CircuitState.Open, line.Status.Circuit);
        Assert.Equal(2, h.Logs.Count(r => r.Message.Contains("restarts child line/doomed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_action_in_flight_when_the_circuit_opens_completes_and_is_counted()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var sensor = new ProbeSensor(ProbeCommand.Work);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor, _ =>
        {
            started.TrySetResult();
            return gate.Task;
        }), new ProbeSpec());
        h.Supervisor.Tick();
        await started.Task.WaitAsync(Ct);

        sensor.Failure = new IOException("sensor lost");
        for (int i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(990)); // under the action's 1 s timeout: three failed collections
        }

        gate.SetResult();
        await handle.ActionCompletion.WaitAsync(Ct);
        h.Supervisor.Tick(); // the tick attributes the collector faults; the circuit opens

        Assert.Equal(ActionOutcome.Succeeded, handle.Status.LastAction?.Outcome);
        Assert.Single(handle.RecentActions);
        Assert.True(handle.Status.FaultCount >= 1);
    }

    [Fact]
    public async Task The_supervision_tree_prints_with_state_circuit_and_totals()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", new NodeSpec())).Add(CellWorker.AsChild("c2", new NodeSpec()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);

        string tree = h.Supervisor.PrintTree();

        Assert.Equal(
            "line (LineWorker) Running [RunningHealthy] circuit=Closed restarts=0 faults=0 — all children healthy\n" +
            "  └ c1 (CellWorker) Running [RunningHealthy] circuit=Closed restarts=0 faults=0 — running\n" +
            "  └ c2 (CellWorker) Running [RunningHealthy] circuit=Closed restarts=0 faults=0 — running\n" +
            "supervised=3 running=3 failed=0 restarts=0\n",
            tree);
        Assert.Equal(new SupervisionTotals(3, 3, 0, 0), h.Supervisor.GetTotals());
    }

    private static void FakeLogRecordAssert(Harness h, LogLevel level, string fragment) =>
        Assert.Contains(h.Logs, r => r.Level == level && r.Message.Contains(fragment, StringComparison.Ordinal));
}
