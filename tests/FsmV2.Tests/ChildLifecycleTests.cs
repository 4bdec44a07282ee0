using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Tests;

/// <summary>
/// The behaviours of issue 12's "Why" list, each driven through the supervisor on a fake clock: children are
/// supervised through an explicit lifecycle, so every failure is seen, restarted at the right level, and never
/// stops the supervisor.
/// </summary>
public class ChildLifecycleTests
{
    private static readonly TimeSpan Tick = Harness.DefaultOptions.TickInterval;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkerStatus Status(Harness h, string id) =>
        h.Supervisor.GetStatus(id) ?? throw new Xunit.Sdk.XunitException($"no worker '{id}'; have: {string.Join(", ", h.Supervisor.GetStatus().Select(s => s.Id))}");

    /// <summary>Ticks (one tick interval at a time) until <paramref name="condition"/> holds; fails after <paramref name="maxTicks"/>.</summary>
    private static void StepUntil(Harness h, Func<bool> condition, int maxTicks = 1_000, [CallerArgumentExpression(nameof(condition))] string what = "")
    {
        for (int i = 0; !condition(); i++)
        {
            if (i == maxTicks)
            {
                throw new Xunit.Sdk.XunitException($"Still waiting for {what} after {maxTicks} ticks");
            }

            h.Step();
        }
    }

    private static void Advance(Harness h, TimeSpan by)
    {
        h.Time.Advance(by);
        h.Supervisor.Tick();
    }

    private static MetricCollector<T> Collect<T>(Harness h, string instrument)
        where T : struct => new(h.Meters, FsmV2Telemetry.Name, instrument, h.Time);

    // --- 1. A restarted child's restarts are visible ---------------------------------------------------------

    [Fact]
    public async Task A_child_its_parent_restarts_shows_the_restart_in_its_status_history_the_totals_and_the_tree()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        int created = 0;
        var first = new CellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("flaky", new NodeSpec(), () => Interlocked.Increment(ref created) == 1 ? first : new CellWorker()))
            .Add(CellWorker.AsChild("steady", new NodeSpec()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);

        first.Fails = true; // three failed collections open the child's own circuit: its parent restarts it after 1 s
        for (int i = 0; i < 3; i++)
        {
            Advance(h, TimeSpan.FromSeconds(1));
        }

        DateTimeOffset failedAt = h.Time.GetUtcNow();
        WorkerStatus waiting = Status(h, "line/flaky");
        Assert.Equal(ChildLifecycleState.WaitingToRestart, waiting.Lifecycle);
        Assert.Equal(failedAt + TimeSpan.FromSeconds(1), waiting.NextRestartAt);
        Assert.Equal(1, waiting.RestartCount);

        Advance(h, TimeSpan.FromSeconds(1));
        h.Step(2);

        Assert.Equal(2, created);
        WorkerStatus flaky = Status(h, "line/flaky");
        Assert.Equal(ChildLifecycleState.Running, flaky.Lifecycle);
        Assert.Equal(1, flaky.RestartCount);
        Assert.Equal(new RestartRecord(failedAt, "child's own circuit is open", RestartStrategy.OneForOne, 1), Assert.Single(flaky.RestartHistory));
        Assert.Equal(0, Status(h, "line/steady").RestartCount);
        Assert.Equal(new SupervisionTotals(3, 3, 0, 1), h.Supervisor.GetTotals());
        string tree = h.Supervisor.PrintTree();
        Assert.Contains("  └ flaky (CellWorker) Running [RunningHealthy] circuit=Closed restarts=1 faults=0 — running\n", tree);
        Assert.Contains("  └ steady (CellWorker) Running [RunningHealthy] circuit=Closed restarts=0 faults=0 — running\n", tree);
        Assert.EndsWith("supervised=3 running=3 failed=0 restarts=1\n", tree);
    }

    // --- 2. Stale observations and sanity checks naming a child restart it ------------------------------------

    [Fact]
    public async Task A_child_whose_observation_goes_stale_fails_its_parents_check_and_is_restarted()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        int created = 0;
        var silent = new SilentCellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(SilentCellWorker.AsChild("quiet", new NodeSpec(), () => Interlocked.Increment(ref created) == 1 ? silent : new SilentCellWorker()))
            .Add(CellWorker.AsChild("steady", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);
        DateTimeOffset lastHeard = Status(h, "line/quiet").CollectedAt!.Value;

        silent.Silent = true; // its next collection never returns: no error of its own, just silence
        StepUntil(h, () => Status(h, "line/quiet").RestartCount == 1);

        // The first tick at which the last observation is older than StaleAfter (5 s).
        Assert.Equal(lastHeard + Harness.DefaultOptions.StaleAfter + Tick, h.Time.GetUtcNow());
        Assert.Equal("child reports unhealthy", Assert.Single(Status(h, "line/quiet").RestartHistory).Reason);
        Assert.True(h.Logged("Worker line/quiet (SilentCellWorker) observation is stale"));
        Assert.True(h.Logged("Circuit OPEN for line (LineWorker); error scope Infrastructure: child line/quiet: child reports unhealthy"));
        Assert.Equal(0, Status(h, "line/quiet").FaultCount); // silence is not a fault: only the parent's check sees it

        Advance(h, TimeSpan.FromSeconds(1)); // the restart delay: a new instance
        h.Step(2);

        Assert.Equal(2, created);
        Assert.Equal(ChildLifecycleState.Running, Status(h, "line/quiet").Lifecycle);
        Assert.Equal("Running", Status(h, "line/quiet").State);
        Assert.Equal(CircuitState.Closed, line.Status.InfrastructureCircuit);
        Assert.Equal(0, Status(h, "line/steady").RestartCount);
    }

    [Theory]
    [InlineData("line/broker")] // the child's full id
    [InlineData("broker")]      // or its name
    public async Task A_child_named_by_a_failing_sanity_check_is_restarted(string named)
    {
        int created = 0;
        bool sessionLost = false;
        var check = new NamingCheck("broker-session", () => sessionLost && Volatile.Read(ref created) == 1 ? HealthResult.Unhealthy("broker lost its session", named) : HealthResult.Healthy);
        await using var h = new Harness(Harness.ExactBackoff(o => o.SanityChecks = [check]));
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("broker", new NodeSpec(), () =>
            {
                Interlocked.Increment(ref created);
                return new CellWorker();
            }))
            .Add(CellWorker.AsChild("steady", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);

        sessionLost = true; // the first instance's session is gone: only a new instance fixes it
        h.Step();
        DateTimeOffset failedAt = h.Time.GetUtcNow();

        WorkerStatus broker = Status(h, "line/broker");
        Assert.Equal(ChildLifecycleState.WaitingToRestart, broker.Lifecycle);
        Assert.Equal(new RestartRecord(failedAt, "broker lost its session", RestartStrategy.OneForOne, 1), Assert.Single(broker.RestartHistory));
        Assert.True(h.Logged($"Circuit OPEN for line (LineWorker); error scope Infrastructure: child {named}: broker lost its session"));

        Advance(h, TimeSpan.FromSeconds(1)); // restarted; the check passes; the circuit's probe closes it
        h.Step(2);

        Assert.Equal(2, created);
        Assert.Equal(ChildLifecycleState.Running, Status(h, "line/broker").Lifecycle);
        Assert.Equal(CircuitState.Closed, line.Status.InfrastructureCircuit);
        Assert.Equal(0, Status(h, "line/steady").RestartCount);
    }

    private sealed class NamingCheck(string name, Func<HealthResult> check) : ISanityCheck
    {
        public string Name => name;

        public HealthResult Check(DateTimeOffset now) => check();
    }

    // --- 3. Restart backoff grows, and resets only after the stability window -------------------------------

    [Fact]
    public async Task A_crash_looping_child_is_restarted_with_growing_delays_that_reset_only_after_the_stability_window()
    {
        const string Loop = "line/loop";
        await using var h = new Harness(Harness.ExactBackoff(o =>
        {
            o.FaultThreshold = 1; // each instance crashes on its first decision
            o.RestartIntensity.MaxRestarts = 100;
            o.RestartStabilityWindow = TimeSpan.FromSeconds(5);
        }));
        bool crashes = false;
        var specs = new ChildSpecs<LineWorker>().Add(CrashingCellWorker.AsChild("loop", new NodeSpec(), () => new CrashingCellWorker(() => crashes)));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);
        Assert.Equal(ChildLifecycleState.Running, Status(h, Loop).Lifecycle);
        var delays = new List<double>();

        int Restarts() => h.Supervisor.GetStatus(Loop)?.RestartCount ?? 0;
        void NextRestart()
        {
            int before = Restarts();
            StepUntil(h, () => Restarts() > before);
            WorkerStatus restarted = Status(h, Loop);
            Assert.Equal(before + 1, restarted.RestartCount);
            delays.Add((restarted.NextRestartAt!.Value - restarted.RestartHistory[^1].At).TotalSeconds);
        }

        crashes = true;
        for (int i = 0; i < 4; i++)
        {
            NextRestart();
        }

        // Each new instance crashes the moment it starts, so the restarts are exactly the growing delays apart.
        IReadOnlyList<RestartRecord> history = Status(h, Loop).RestartHistory;
        Assert.Equal([1_000, 2_000, 4_000], history.Zip(history.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds));
        Assert.Equal([1, 2, 3, 4], history.Select(r => r.EndedInstance));
        Assert.All(history, r => Assert.Equal(("child's own circuit is open", RestartStrategy.OneForOne), (r.Reason, r.Strategy)));

        crashes = false;
        StepUntil(h, () => Status(h, Loop).Lifecycle == ChildLifecycleState.Running);
        Assert.Equal(history[^1].At + TimeSpan.FromSeconds(8), h.Time.GetUtcNow());
        h.Step(20); // 2 s: running, but not for the stability window
        crashes = true;
        NextRestart(); // the delay keeps growing

        crashes = false;
        StepUntil(h, () => Status(h, Loop).Lifecycle == ChildLifecycleState.Running);
        DateTimeOffset running = h.Time.GetUtcNow();
        StepUntil(h, () => h.Logged("Worker line: child line/loop has run for 5 s since its last restart; its restart backoff starts again from the first delay"));
        Assert.Equal(TimeSpan.FromSeconds(5), h.Time.GetUtcNow() - running);
        crashes = true;
        NextRestart(); // from the first delay again
        NextRestart(); // and growing again

        Assert.Equal([1, 2, 4, 8, 16, 1, 2], delays);
        Assert.Equal(7, Status(h, Loop).RestartCount);
    }

    // --- 4. Restart intensity is judged by the nearest parent --------------------------------------------------

    [Fact]
    public async Task A_crash_looping_grandchild_reaches_the_grandparent_only_through_its_parent_exceeding_its_restart_intensity()
    {
        await using var h = new Harness(Harness.ExactBackoff(o => o.FaultThreshold = 1));
        bool crashes = true;
        var cells = new ChildSpecs<LineWorker>().Add(CrashingCellWorker.AsChild("cell", new NodeSpec(), () => new CrashingCellWorker(() => crashes)));
        var plant = h.Supervisor.AddWorker("plant", new PlantWorker(), new NodeSpec(Kids: new ChildSpecs<PlantWorker>().Add(LineWorker.AsChild("line", new NodeSpec(Kids: cells)))));

        bool lineCircuitOpened = false;
        for (int i = 0; i < 200 && !h.Logged("Worker plant restarts child plant/line"); i++)
        {
            h.Step();
            if (!h.Logged("exceeded its restart intensity"))
            {
                // The line's infrastructure circuit opens and closes with its crash-looping cell; the plant's does not.
                lineCircuitOpened |= Status(h, "plant/line").InfrastructureCircuit != CircuitState.Closed;
                Assert.Equal(CircuitState.Closed, plant.Status.InfrastructureCircuit);
                Assert.Equal(0, Status(h, "plant/line").RestartCount);
            }
        }

        Assert.True(lineCircuitOpened);
        Assert.Equal(3, h.Logs.Count(r => r.Message.StartsWith("Worker plant/line restarts child plant/line/cell", StringComparison.Ordinal))); // its own intensity: 3 in 60 s
        List<string> messages = [.. h.Logs.Select(r => r.Message)];
        int exceeded = messages.FindIndex(m => m.StartsWith("ESCALATION: worker plant/line exceeded its restart intensity (more than 3 restarts within 60 s)", StringComparison.Ordinal));
        int restarted = messages.FindIndex(m => m.StartsWith("Worker plant restarts child plant/line (OneForOne)", StringComparison.Ordinal));
        Assert.InRange(exceeded, 0, restarted - 1); // the parent fails itself first; only then does the grandparent act
        Assert.Equal(CircuitState.Open, plant.Status.InfrastructureCircuit); // now the plant sees its child failing

        WorkerStatus line = Status(h, "plant/line");
        Assert.Equal(1, line.RestartCount);
        Assert.Equal("child's own circuit is open", Assert.Single(line.RestartHistory).Reason);

        crashes = false;
        Advance(h, TimeSpan.FromSeconds(1)); // the plant's restart delay: a new line, with a new cell
        h.Step(3);
        Assert.Equal(ChildLifecycleState.Running, Status(h, "plant/line").Lifecycle);
        Assert.Equal(ChildLifecycleState.Running, Status(h, "plant/line/cell").Lifecycle);
        Assert.Equal(0, Status(h, "plant/line/cell").FaultCount);
        Assert.Equal(CircuitState.Closed, plant.Status.InfrastructureCircuit);
        Assert.Equal(1, Status(h, "plant/line").RestartCount);
        Assert.Equal(0, plant.Status.RestartCount);
    }

    // --- 5. A child that cannot be created is visible, counted and retried -----------------------------------

    [Theory]
    [InlineData("factory", true, "no such device")]
    [InlineData("bind", true, "mode 'auto' is not a number")]
    [InlineData("derive", false, "setting 'unsupported-mode' is not supported")]
    [InlineData("template", false, "undefined_mode")]
    public async Task A_child_that_cannot_be_created_is_in_the_status_counted_as_wanted_and_unhealthy_and_retried_with_backoff(string cause, bool heals, string error)
    {
        await using var h = new Harness(Harness.ExactBackoff());
        bool broken = true;
        var template = new Dictionary<string, string?> { ["setting"] = cause == "template" ? "{{ undefined_mode }}" : "{{ mode }}" };
        var mode = new VariableBundle(user: new Dictionary<string, object?> { ["mode"] = "auto" });
        ChildSpec<CellWorker> Templated() => ChildSpec.FromTemplate<CellWorker, NodeSpec, NodeStatus>(
            "x", template, mode, fields => broken ? throw new FormatException($"mode '{fields["setting"]}' is not a number") : new NodeSpec(Setting: fields["setting"]), () => new CellWorker());
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("fine", new NodeSpec()));
        switch (cause)
        {
            case "factory":
                specs.Add(CellWorker.AsChild("x", new NodeSpec(), () => broken ? throw new InvalidOperationException("no such device") : new CellWorker()));
                break;
            case "derive": // its DeriveDesired rejects the spec
                specs.Add(PickyCellWorker.AsChild("x", new NodeSpec(Setting: "unsupported-mode")));
                break;
            default: // "bind": the rendered fields cannot be read; "template": it does not render
                specs.Add(Templated());
                break;
        }
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        DateTimeOffset start = h.Time.GetUtcNow();
        var attempts = new List<double>();
        int Failures() => h.Logs.Count(r => r.Level == LogLevel.Error
            && (r.Message.StartsWith("Worker line could not start child x (", StringComparison.Ordinal) || r.Message.StartsWith("Worker line: the spec of child x is invalid", StringComparison.Ordinal)));
        int Attempts() => Failures() + (h.Supervisor.GetStatus("line/x")?.Lifecycle is ChildLifecycleState.Unstartable or null ? 0 : 1);

        void NextAttempt()
        {
            int before = Attempts();
            StepUntil(h, () => Attempts() > before);
            attempts.Add((h.Time.GetUtcNow() - start).TotalMilliseconds);
        }

        NextAttempt();
        h.Step(2);

        WorkerStatus x = Status(h, "line/x");
        Assert.Equal(ChildLifecycleState.Unstartable, x.Lifecycle);
        Assert.Equal(cause == "derive" ? "PickyCellWorker" : "CellWorker", x.WorkerType);
        Assert.Equal("(not created)", x.State);
        Assert.Contains(error, x.LastFault?.Message ?? "(no error)", StringComparison.Ordinal);
        Assert.StartsWith("could not be created: ", x.Reason, StringComparison.Ordinal);
        Assert.Equal(start + TimeSpan.FromMilliseconds(1_100), x.NextRestartAt);
        Assert.Equal(["line", "line/fine", "line/x"], h.Supervisor.GetStatus().Select(s => s.Id));
        Assert.Equal("Running", line.Status.State);
        Assert.Equal("children 1/2 healthy, 1 unhealthy", line.Status.Reason); // wanted and unhealthy: not all operational
        Assert.Equal(CircuitState.Closed, line.Status.Circuit); // nothing live failed

        NextAttempt();
        broken = !heals;
        NextAttempt();
        Assert.Equal([100, 1_100, 3_100], attempts); // tried again after 1 s, then 2 s

        h.Step(2);
        x = Status(h, "line/x");
        if (heals)
        {
            Assert.Equal(ChildLifecycleState.Running, x.Lifecycle);
            Assert.Equal("Running", x.State);
            Assert.Null(x.LastFault);
            Assert.Equal("all children healthy", line.Status.Reason);
            h.Step(100);
            Assert.Equal(2, Failures()); // not tried again once created
        }
        else
        {
            Assert.Equal(ChildLifecycleState.Unstartable, x.Lifecycle);
            Assert.Equal(start + TimeSpan.FromMilliseconds(7_100), x.NextRestartAt); // 4 s
            Assert.Equal("children 1/2 healthy, 1 unhealthy", line.Status.Reason);
        }
    }

    // --- 6. Collector faults count while an action is in flight ------------------------------------------------

    [Fact]
    public async Task Collector_exceptions_are_counted_as_faults_while_an_action_is_in_flight()
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.CollectInterval = TimeSpan.FromMilliseconds(200); // three collections inside the action's 1 s timeout
        await using var h = new Harness(options);
        var running = new TaskCompletionSource();
        var sensor = new ProbeSensor(ProbeCommand.Work);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor, ct =>
        {
            running.TrySetResult();
            return Task.Delay(Timeout.Infinite, ct);
        }), new ProbeSpec());
        h.Supervisor.Tick();
        await running.Task.WaitAsync(Ct);

        sensor.Failure = new IOException("sensor unplugged");
        for (int fault = 1; fault <= 3; fault++)
        {
            Advance(h, TimeSpan.FromMilliseconds(200));
            Assert.Equal("Work", handle.Status.ActionInFlight);
            Assert.Equal(fault, handle.Status.FaultCount);
        }

        Assert.Equal(CircuitState.Open, handle.Status.FaultCircuit);
        Assert.Equal("sensor unplugged", handle.Status.LastFault?.Message);
        Assert.True(h.Logged("Circuit OPEN for p (ProbeWorker); error scope Worker: collector threw 3 times within 300 s; last: IOException: sensor unplugged"));
    }

    // --- 7. Heartbeats name the failure ------------------------------------------------------------------------

    [Fact]
    public async Task A_worker_scope_heartbeat_names_the_last_failure_reason()
    {
        await using var h = new Harness(Harness.ExactBackoff(o => o.Circuit.Backoff.InitialDelay = TimeSpan.FromSeconds(60)));
        h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());
        for (int i = 0; i < 3; i++)
        {
            h.Supervisor.Tick(); // three faults open the circuit
        }

        h.Step(); // open: the first heartbeat

        FakeLogRecord beat = Assert.Single(h.Logs, r => r.Message.StartsWith("Circuit still open for p (ProbeWorker)", StringComparison.Ordinal));
        Assert.Equal("Worker", beat.GetStructuredStateValue("Scope"));
        Assert.DoesNotContain("last failure: unknown", beat.Message, StringComparison.Ordinal);
        Assert.Contains("probe state threw at seq", beat.GetStructuredStateValue("LastFailure"), StringComparison.Ordinal);
    }

    // --- 8. Root-level restart intensity raises Escalated --------------------------------------------------------

    /// <summary>A root line whose one cell crash-loops while <paramref name="crashes"/> says so; one restart per 1.5 s allowed.</summary>
    private static (Harness, WorkerHandle<NodeSpec, NodeStatus>, Func<int>) CrashLoopAtTheRoot(Func<bool> crashes)
    {
        var h = new Harness(Harness.ExactBackoff(o =>
        {
            o.FaultThreshold = 1;
            o.RestartIntensity.MaxRestarts = 1;
            o.RestartIntensity.Window = TimeSpan.FromMilliseconds(1_500);
        }));
        int created = 0;
        var specs = new ChildSpecs<LineWorker>().Add(CrashingCellWorker.AsChild("cell", new NodeSpec(), () =>
        {
            created++;
            return new CrashingCellWorker(crashes);
        }));
        return (h, h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs)), () => created);
    }

    [Fact]
    public async Task At_the_root_exceeding_the_restart_intensity_raises_Escalated_once_and_the_roots_probe_restarts_the_failed_child()
    {
        bool crashes = true;
        var (h, line, created) = CrashLoopAtTheRoot(() => crashes);
        await using Harness owned = h;
        var escalations = new List<(TimeSpan At, EscalationMessage Message)>();
        DateTimeOffset start = h.Time.GetUtcNow();
        h.Supervisor.Escalated += (_, message) => escalations.Add((h.Time.GetUtcNow() - start, message));

        StepUntil(h, () => escalations.Count > 0); // restarted at 0.1 s; failed again at 1.1 s: 2 restarts in 1.5 s

        var (at, escalation) = Assert.Single(escalations);
        Assert.Equal(TimeSpan.FromMilliseconds(1_100), at);
        Assert.Equal("line", escalation.Name);
        Assert.Equal(ErrorScope.Infrastructure, escalation.Scope);
        Assert.True(h.Logged("ESCALATION: worker line exceeded its restart intensity"));
        Assert.Equal(ChildLifecycleState.Failed, Status(h, "line/cell").Lifecycle);
        Assert.Equal(1, Status(h, "line/cell").RestartCount);
        Assert.Equal(CircuitState.Open, line.Status.FaultCircuit);

        crashes = false;
        h.Step(9); // until the line's probe (1 s): not raised again, not restarted
        Assert.Single(escalations);
        Assert.Equal(ChildLifecycleState.Failed, Status(h, "line/cell").Lifecycle);
        Assert.Equal(2, created());

        h.Step(); // 2.1 s: the probe restarts the failed child (the intensity window has room again)
        WorkerStatus cell = Status(h, "line/cell");
        Assert.Equal(ChildLifecycleState.WaitingToRestart, cell.Lifecycle);
        Assert.Equal(2, cell.RestartCount);
        Assert.Equal(start + TimeSpan.FromMilliseconds(2_100), cell.RestartHistory[^1].At);
        Assert.Equal(CircuitState.Closed, line.Status.FaultCircuit);

        StepUntil(h, () => Status(h, "line/cell").Lifecycle == ChildLifecycleState.Running);
        Assert.Equal(3, created());
        Assert.Single(escalations);
    }

    // --- 9. Operators can act -----------------------------------------------------------------------------------

    [Fact]
    public async Task Operators_read_both_circuits_separately_and_isolate_and_close_either_of_a_root_or_a_child_by_id()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var cells = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("cell", new NodeSpec()));
        h.Supervisor.AddWorker("plant", new PlantWorker(), new NodeSpec(Kids: new ChildSpecs<PlantWorker>().Add(LineWorker.AsChild("line", new NodeSpec(Kids: cells)))));
        h.Step(3);

        foreach (string id in new[] { "plant", "plant/line" })
        {
            foreach (ErrorScope scope in new[] { ErrorScope.Worker, ErrorScope.Infrastructure })
            {
                Assert.True(h.Supervisor.IsolateCircuit(id, scope));
                h.Step(30); // isolated: no probes, and a parent does not restart an isolated child

                WorkerCircuits circuits = h.Supervisor.GetCircuits(id)!;
                Assert.NotNull(circuits.Infrastructure);
                var (isolated, other) = scope == ErrorScope.Worker ? (circuits.Fault, circuits.Infrastructure.Value) : (circuits.Infrastructure.Value, circuits.Fault);
                Assert.Equal((CircuitState.Open, true), (isolated.State, isolated.IsIsolated));
                Assert.Equal((CircuitState.Closed, false), (other.State, other.IsIsolated));
                WorkerStatus status = Status(h, id);
                Assert.Equal(scope == ErrorScope.Worker ? CircuitState.Open : CircuitState.Closed, status.FaultCircuit);
                Assert.Equal(scope == ErrorScope.Infrastructure ? CircuitState.Open : CircuitState.Closed, status.InfrastructureCircuit);
                Assert.Equal(CircuitState.Open, status.Circuit); // the worst of the two
                Assert.Equal(0, status.RestartCount);

                Assert.True(h.Supervisor.CloseCircuit(id, scope));
                status = Status(h, id);
                Assert.Equal((CircuitState.Closed, CircuitState.Closed, CircuitState.Closed), (status.FaultCircuit, status.InfrastructureCircuit, status.Circuit));
                h.Step(3);
            }
        }

        Assert.True(h.Logged("Circuit OPEN for plant/line (LineWorker); error scope Worker: isolated by operator"));
        Assert.True(h.Logged("Circuit CLOSED for plant/line (LineWorker); error scope Infrastructure: closed by operator"));
        Assert.All(h.Supervisor.GetStatus(), s => Assert.Equal(("Running", CircuitState.Closed, 0), (s.State, s.Circuit, s.RestartCount)));

        Assert.Null(h.Supervisor.GetCircuits("plant/line/cell")!.Infrastructure); // a leaf has no infrastructure circuit
        Assert.False(h.Supervisor.IsolateCircuit("plant/line/cell", ErrorScope.Infrastructure));
        Assert.True(h.Supervisor.IsolateCircuit("plant/line/cell"));
        Assert.Equal(CircuitState.Open, Status(h, "plant/line/cell").FaultCircuit);
        Assert.True(h.Supervisor.CloseCircuit("plant/line/cell"));
        Assert.Null(h.Supervisor.GetCircuits("nope"));
        Assert.False(h.Supervisor.IsolateCircuit("nope"));
        Assert.False(h.Supervisor.CloseCircuit("plant/nope", ErrorScope.Infrastructure));
    }

    [Fact]
    public async Task A_workers_handle_reads_isolates_and_closes_its_circuits()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("cell", new NodeSpec()))));
        var probe = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor()), new ProbeSpec());
        h.Step(3);

        Assert.True(line.Isolate(ErrorScope.Infrastructure));
        Assert.True(line.Circuits.Infrastructure!.Value.IsIsolated);
        Assert.Equal(CircuitState.Closed, line.Circuits.Fault.State);
        Assert.Equal((CircuitState.Closed, CircuitState.Open, CircuitState.Open), (line.Status.FaultCircuit, line.Status.InfrastructureCircuit, line.Status.Circuit));
        Assert.True(line.Close(ErrorScope.Infrastructure));
        Assert.Equal(CircuitState.Closed, line.Status.Circuit);

        Assert.True(probe.Isolate());
        Assert.Equal((CircuitState.Open, true), (probe.Circuits.Fault.State, probe.Circuits.Fault.IsIsolated));
        Assert.Equal(CircuitState.Open, probe.Status.Circuit);
        Assert.Null(probe.Circuits.Infrastructure);
        Assert.False(probe.Isolate(ErrorScope.Infrastructure)); // no children: no such circuit
        Assert.False(probe.Close(ErrorScope.Infrastructure));
        Assert.True(probe.Close());
        Assert.Equal(CircuitState.Closed, probe.Status.Circuit);
    }

    [Fact]
    public async Task An_isolated_child_is_not_restarted_by_its_parent_until_an_operator_closes_its_circuit()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        int created = 0;
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("a", new NodeSpec(), () =>
            {
                created++;
                return new CellWorker();
            }))
            .Add(CellWorker.AsChild("b", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);

        Assert.True(h.Supervisor.IsolateCircuit("line/a"));
        h.Step(100); // 10 s with an open circuit

        WorkerStatus a = Status(h, "line/a");
        Assert.Equal((CircuitState.Open, ChildLifecycleState.Running, 0), (a.FaultCircuit, a.Lifecycle, a.RestartCount));
        Assert.Equal(1, created);
        Assert.Equal(CircuitState.Closed, line.Status.InfrastructureCircuit);
        Assert.False(h.Logged("restarts child line/a"));

        Assert.True(h.Supervisor.CloseCircuit("line/a"));
        h.Step(3);
        Assert.Equal((CircuitState.Closed, 0), (Status(h, "line/a").Circuit, Status(h, "line/a").RestartCount));
        Assert.Equal(1, created);
    }

    [Fact]
    public async Task An_operator_restart_of_a_child_is_immediate_alone_counted_in_its_history_and_not_held_against_the_restart_intensity()
    {
        await using var h = new Harness(Harness.ExactBackoff(o => o.RestartIntensity.MaxRestarts = 1));
        var instances = new List<CellWorker>();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("a", new NodeSpec(), () =>
            {
                var cell = new CellWorker();
                instances.Add(cell);
                return cell;
            }))
            .Add(CellWorker.AsChild("b", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs, Strategy: RestartStrategy.OneForAll));
        h.Step(3);

        Assert.True(h.Supervisor.RestartWorker("line/a", "firmware update"));
        Assert.Single(instances); // carried out on the parent's next tick
        h.Step();
        DateTimeOffset restartedAt = h.Time.GetUtcNow();
        Assert.Equal(2, instances.Count); // at once: no restart delay

        WorkerStatus a = Status(h, "line/a");
        Assert.Equal(new RestartRecord(restartedAt, "operator: firmware update", null, 1), Assert.Single(a.RestartHistory));
        Assert.Equal(1, a.RestartCount);
        Assert.Equal(0, Status(h, "line/b").RestartCount); // alone, whatever the parent's strategy
        Assert.True(h.Logged("Worker line/a (CellWorker) restarted by an operator: firmware update"));

        Assert.True(h.Supervisor.RestartWorker("line/a", "second try"));
        h.Step(3);
        Assert.Equal(3, instances.Count);
        Assert.Equal(["operator: firmware update", "operator: second try"], Status(h, "line/a").RestartHistory.Select(r => r.Reason));
        Assert.Equal("Running", Status(h, "line/a").State);
        Assert.Equal(2, h.Supervisor.GetTotals().Restarts);

        instances[^1].Fails = true; // a real failure: the intensity (1) still has room, the operator's restarts did not count
        for (int i = 0; i < 4; i++)
        {
            Advance(h, TimeSpan.FromSeconds(1));
        }

        Assert.True(h.Logged("Worker line restarts child line/a (OneForAll)"));
        Assert.False(h.Logged("exceeded its restart intensity"));
        Assert.Equal(4, instances.Count);
        Assert.Equal(3, Status(h, "line/a").RestartCount);
        Assert.Equal(CircuitState.Closed, line.Status.FaultCircuit);
    }

    [Fact]
    public async Task An_operator_restart_of_a_root_sends_it_back_to_its_initial_state_counted_in_its_history()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("cell", new NodeSpec()))));
        h.Step(3);
        Assert.Equal("Running", line.Status.State);

        line.Restart("config reload");
        Assert.Equal(0, line.Status.RestartCount); // on the next tick
        h.Step();
        DateTimeOffset restartedAt = h.Time.GetUtcNow();

        Assert.Equal(1, line.Status.RestartCount);
        Assert.Equal(new RestartRecord(restartedAt, "operator: config reload", null, 1), Assert.Single(line.Status.RestartHistory));
        Assert.True(h.Logged("Worker line (LineWorker) restarted by an operator: config reload"));
        Assert.True(h.Logged("Worker line (LineWorker) restarting from state Running (restart 1): operator: config reload"));
        Assert.False(h.Logged("operator: operator:"));
        StepUntil(h, () => line.Status.State == "Running", maxTicks: 20); // decides again on a fresh observation

        Assert.True(h.Supervisor.RestartWorker("line", "again"));
        h.Step();
        Assert.Equal(["operator: config reload", "operator: again"], line.Status.RestartHistory.Select(r => r.Reason));
        Assert.Equal(2, h.Supervisor.GetTotals().Restarts);
        Assert.False(h.Supervisor.RestartWorker("nope", "no such worker"));
        Assert.Throws<ArgumentException>(() => h.Supervisor.RestartWorker("line", " "));
    }

    // --- 10. Safe from any thread ------------------------------------------------------------------------------

    [Fact]
    public async Task Status_tree_totals_and_gauges_read_from_other_threads_while_the_tick_adds_and_removes_children_never_throw_and_stay_consistent()
    {
        const int Lines = 20, Ticks = 300, Readers = 3, MinReads = 20;
        await using var h = new Harness();
        static NodeSpec Cells(int variant)
        {
            var cells = new ChildSpecs<LineWorker>();
            int first = variant % 4, count = 6 + (variant % 5); // names shift and the count changes: adds and removes
            for (int c = first; c < first + count; c++)
            {
                cells.Add(CellWorker.AsChild($"c{c}", new NodeSpec()));
            }

            return new NodeSpec(Kids: cells);
        }

        var lines = new WorkerHandle<NodeSpec, NodeStatus>[Lines];
        for (int i = 0; i < Lines; i++)
        {
            lines[i] = h.Supervisor.AddWorker($"line{i}", new LineWorker(), Cells(4)); // 10 cells each
        }

        h.Step(3);
        Assert.Equal(Lines * 11, h.Supervisor.GetStatus().Count);

        var errors = new ConcurrentQueue<Exception>();
        var reads = new int[Readers];
        int ticking = 1;
        using var started = new CountdownEvent(Readers);
        var threads = new Thread[Readers];
        for (int r = 0; r < Readers; r++)
        {
            int reader = r;
            threads[r] = new Thread(() => Read(reader)) { IsBackground = true, Name = $"status reader {r}" };
            threads[r].Start();
        }

        Assert.True(started.Wait(TimeSpan.FromSeconds(20), Ct));
        for (int t = 0; t < Ticks; t++)
        {
            lines[t % Lines].UpdateSpec(Cells(t / Lines));
            h.Step();
        }

        Volatile.Write(ref ticking, 0);
        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "a reader did not finish");
        }

        Assert.Empty(errors);
        Assert.All(reads, n => Assert.True(n >= MinReads, $"{n} reads"));
        h.Step(5); // the churn settles: every wanted child is there, and nothing else
        int wanted = lines.Sum(l => l.Record.Desired.Children.Count);
        Assert.Equal(Lines + wanted, h.Supervisor.GetStatus().Count);
        Assert.Equal(Lines + wanted, h.Supervisor.GetTotals().Running);

        void Read(int reader)
        {
            bool signalled = false;
            try
            {
                using var children = Collect<int>(h, FsmV2Telemetry.Instruments.ChildrenCount);
                using var open = Collect<int>(h, FsmV2Telemetry.Instruments.CircuitOpen);
                while (Volatile.Read(ref ticking) == 1 || reads[reader] < MinReads)
                {
                    Consistent(h.Supervisor.GetStatus());
                    Assert.StartsWith("line0 (LineWorker)", h.Supervisor.PrintTree(), StringComparison.Ordinal);
                    Assert.InRange(h.Supervisor.GetTotals().Supervised, Lines, Lines * 20);
                    children.RecordObservableInstruments();
                    open.RecordObservableInstruments();
                    Assert.InRange(children.LastMeasurement!.Value, 0, Lines * 20);
                    Assert.Equal(0, open.LastMeasurement!.Value);
                    reads[reader]++;
                    if (!signalled)
                    {
                        signalled = true;
                        started.Signal();
                    }
                }
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
                if (!signalled)
                {
                    started.Signal();
                }
            }
        }
    }

    // Ids unique, and every child listed after its parent (status is depth first).
    private static void Consistent(IReadOnlyList<WorkerStatus> all)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (WorkerStatus s in all)
        {
            if (!seen.Add(s.Id))
            {
                throw new Xunit.Sdk.XunitException($"'{s.Id}' listed twice");
            }

            int slash = s.Id.LastIndexOf('/');
            if (slash > 0 && !seen.Contains(s.Id[..slash]))
            {
                throw new Xunit.Sdk.XunitException($"'{s.Id}' listed without its parent");
            }
        }
    }

    // --- 11. Contained, always ---------------------------------------------------------------------------------

    [Fact]
    public async Task A_null_child_entry_is_logged_with_the_parent_and_index_and_neither_Tick_nor_RunAsync_stops()
    {
        await using var h = new Harness();
        using var cts = new CancellationTokenSource();
        var kids = new List<ChildSpec> { CellWorker.AsChild("a", new NodeSpec()), null!, CellWorker.AsChild("b", new NodeSpec()) };
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: kids));
        var other = h.Supervisor.AddWorker("other", new PumpWorker(), new PumpConfig());

        h.Supervisor.Tick();
        Task run = h.Supervisor.RunAsync(cts.Token);
        for (int i = 0; i < 5; i++)
        {
            h.Time.Advance(Tick);
        }

        Assert.Equal(6, h.Supervisor.TickCount);
        Assert.False(run.IsCompleted);
        Assert.Single(h.Logs, r => r.Level == LogLevel.Error && r.Message == "Worker line: entry 1 of its children is null; skipped, the parent and its other children go on");
        Assert.Equal(("Running", "Running"), (Status(h, "line/a").State, Status(h, "line/b").State));
        Assert.Equal("all children healthy", line.Status.Reason); // the null entry is not a wanted child
        Assert.NotEqual("Stopped", other.Status.State);

        await cts.CancelAsync();
        for (int i = 0; i < 200 && !run.IsCompleted; i++)
        {
            h.Time.Advance(Tick);
        }

        await run.WaitAsync(Ct);
        Assert.True(line.IsRemoved);
    }

    [Fact]
    public async Task A_childs_DeriveDesired_that_throws_on_update_is_contained_as_its_fault_logged_with_its_id()
    {
        await using var h = new Harness();
        NodeSpec Line(string picky, string fine) => new(Kids: new ChildSpecs<LineWorker>()
            .Add(PickyCellWorker.AsChild("picky", new NodeSpec(Setting: picky)))
            .Add(CellWorker.AsChild("fine", new NodeSpec(Setting: fine))));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), Line("fast", "a"));
        h.Step(3);

        line.UpdateSpec(Line("unsupported-mode", "a"));
        h.Step();

        WorkerStatus picky = Status(h, "line/picky");
        Assert.Equal(1, picky.FaultCount);
        Assert.IsType<ArgumentException>(picky.LastFault);
        Assert.Equal("fast", h.Supervisor.Store.Get<NodeSpec, NodeStatus>("line/picky")!.Desired.Setting); // keeps its previous spec
        Assert.Contains(h.Logs, r => r.Level == LogLevel.Error
            && r.Message == "Worker line could not update child line/picky; it keeps its previous spec"
            && r.Exception?.Message.Contains("Worker 'line/picky' (PickyCellWorker): DeriveDesired threw ArgumentException", StringComparison.Ordinal) == true);

        line.UpdateSpec(Line("unsupported-mode", "b")); // the parent still reconciles: its other child is updated
        h.Step(3);
        Assert.Equal("b", h.Supervisor.Store.Get<NodeSpec, NodeStatus>("line/fine")!.Desired.Setting);
        Assert.Equal(("Running", "Holding", "Running"), (line.Status.State, Status(h, "line/picky").State, Status(h, "line/fine").State));
        Assert.Equal(2, Status(h, "line/picky").FaultCount); // asked again for the spec it rejects: a fault again
        Assert.Equal("fast", h.Supervisor.Store.Get<NodeSpec, NodeStatus>("line/picky")!.Desired.Setting);
    }

    [Theory]
    [InlineData("factory", "Worker line could not start child bad (the device driver crashed)")]
    [InlineData("template", "Worker line: the spec of child bad is invalid")]
    public async Task A_child_whose_factory_or_template_throws_is_contained_and_logged_with_its_parent_and_name(string cause, string logged)
    {
        await using var h = new Harness();
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("fine", new NodeSpec()));
        if (cause == "factory")
        {
            specs.Add(CellWorker.AsChild("bad", new NodeSpec(), () => throw new InvalidOperationException("the device driver crashed")));
        }
        else
        {
            specs.Add(CellWorker.AsTemplatedChild("bad", new Dictionary<string, string?> { ["setting"] = "{{ nowhere }}" }, VariableBundle.Empty, f => new NodeSpec(Setting: f["setting"])));
        }
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        var other = h.Supervisor.AddWorker("other", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c", new NodeSpec()))));

        h.Step(3);

        Assert.Contains(h.Logs, r => r.Level == LogLevel.Error && r.Message.StartsWith(logged, StringComparison.Ordinal) && r.Exception is not null);
        Assert.Equal(ChildLifecycleState.Unstartable, Status(h, "line/bad").Lifecycle);
        Assert.Equal(("Running", "Running"), (line.Status.State, Status(h, "line/fine").State));
        Assert.Equal(("all children healthy", "Running"), (other.Status.Reason, Status(h, "other/c").State));
    }

    [Fact]
    public async Task A_template_that_no_longer_renders_on_update_is_contained_and_the_child_keeps_its_previous_spec()
    {
        await using var h = new Harness();
        var mode = new VariableBundle(user: new Dictionary<string, object?> { ["mode"] = "auto" });
        NodeSpec Line(string template) => new(Kids: new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsTemplatedChild("t", new Dictionary<string, string?> { ["setting"] = template }, mode, f => new NodeSpec(Setting: f["setting"])))
            .Add(CellWorker.AsChild("fine", new NodeSpec())));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), Line("{{ mode }}"));
        h.Step(3);
        Assert.Equal("auto", h.Supervisor.Store.Get<NodeSpec, NodeStatus>("line/t")!.Desired.Setting);

        line.UpdateSpec(Line("{{ mode }}-{{ nowhere }}"));
        h.Step(3);

        Assert.Contains(h.Logs, r => r.Level == LogLevel.Error && r.Message.StartsWith("Worker line: the spec of child t is invalid", StringComparison.Ordinal) && r.Message.Contains("nowhere", StringComparison.Ordinal));
        Assert.Equal("auto", h.Supervisor.Store.Get<NodeSpec, NodeStatus>("line/t")!.Desired.Setting);
        Assert.Equal(("Running", "Running", "Running"), (line.Status.State, Status(h, "line/t").State, Status(h, "line/fine").State));
        Assert.Equal(0, Status(h, "line/t").RestartCount);
    }

    [Fact]
    public async Task A_throwing_Escalated_handler_is_contained_logged_with_the_worker_id_and_the_tick_goes_on()
    {
        bool crashes = true;
        var (h, line, created) = CrashLoopAtTheRoot(() => crashes);
        await using Harness owned = h;
        var seen = new List<EscalationMessage>();
        h.Supervisor.Escalated += (_, _) => throw new InvalidOperationException("pager offline");
        h.Supervisor.Escalated += (_, message) => seen.Add(message);
        var idle = h.Supervisor.AddWorker("idle", new IdleWorker(), new IdleSpec());

        StepUntil(h, () => seen.Count > 0);

        Assert.Equal("line", Assert.Single(seen).Name);
        Assert.Contains(h.Logs, r => r.Level == LogLevel.Error
            && r.Message == "A Supervisor.Escalated handler threw while handling the escalation of line: pager offline; the other handlers and the tick go on"
            && r.Exception is InvalidOperationException);
        long ticks = h.Supervisor.TickCount;
        long collected = idle.Record.Observation.Version;
        crashes = false;
        StepUntil(h, () => Status(h, "line/cell").Lifecycle == ChildLifecycleState.Running); // the line's probe restarts it
        Assert.True(h.Supervisor.TickCount > ticks);
        Assert.True(idle.Record.Observation.Version > collected); // the other worker kept collecting
        Assert.Equal(3, created());
    }

    // --- 12. Lifecycle transitions are logged and counted ----------------------------------------------------

    [Fact]
    public async Task Every_lifecycle_transition_is_logged_at_debug_with_its_reason_and_counted_by_worker_type_and_state()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        using var transitions = Collect<long>(h, FsmV2Telemetry.Instruments.ChildLifecycleTransitions);
        int created = 0;
        var first = new CellWorker();
        var specs = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("flaky", new NodeSpec(), () => Interlocked.Increment(ref created) == 1 ? first : new CellWorker()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);
        first.Fails = true;
        for (int i = 0; i < 4; i++)
        {
            Advance(h, TimeSpan.FromSeconds(1)); // three faults open its circuit: failed, restarted after 1 s
        }

        h.Step(2);

        FakeLogRecord[] logged = [.. h.Logs.Where(r => r.Id.Name == "ChildLifecycleChanged")];
        Assert.All(logged, r => Assert.Equal((53, LogLevel.Debug, "line", "line/flaky"), (r.Id.Id, r.Level, r.GetStructuredStateValue("ParentId"), r.GetStructuredStateValue("ChildId"))));
        Assert.Equal(
            [
                "Starting -> Idle: its parent asks it to stay stopped",
                "Idle -> Starting: its parent asks it to run",
                "Starting -> Running: reached RunningHealthy",
                "Running -> Failed: child's own circuit is open",
                "Failed -> WaitingToRestart: child's own circuit is open; next instance in 1.0 s",
                "WaitingToRestart -> Starting: restart delay passed",
                "Starting -> Running: reached RunningHealthy",
            ],
            logged.Select(r => r.Message["Worker line: child line/flaky ".Length..]));

        var counted = transitions.GetMeasurementSnapshot();
        Assert.All(counted, m => Assert.Equal((1L, "CellWorker"), (m.Value, (string?)m.Tags["worker_type"])));
        Assert.Equal(["idle", "starting", "running", "failed", "waitingtorestart", "starting", "running"], counted.Select(m => (string?)m.Tags["state"]));
    }
}
