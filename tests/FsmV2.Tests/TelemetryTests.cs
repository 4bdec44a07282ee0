using System.Diagnostics;
using System.Globalization;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace FsmV2.Tests;

public class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MetricCollector<T> Collect<T>(Harness h, string instrument)
        where T : struct => new(h.Meters, FsmV2Telemetry.Name, instrument, h.Time);

    [Fact]
    public async Task Transitions_are_counted_by_worker_type_and_target_state()
    {
        await using var h = new Harness();
        using var transitions = Collect<long>(h, FsmV2Telemetry.Instruments.StateTransitions);
        var handle = h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig());

        h.Supervisor.Tick();

        transitions.RecordObservableInstruments(); // counted on the tick, read when a listener collects
        var m = Assert.Single(transitions.GetMeasurementSnapshot());
        Assert.Equal(1, m.Value);
        Assert.Equal("PumpWorker", m.Tags["worker_type"]);
        Assert.Equal("Starting", m.Tags["state"]);
        Assert.False(m.Tags.ContainsKey("worker_id")); // ids are unbounded: logs and traces carry them
    }

    [Fact]
    public async Task Supervisors_sharing_a_meter_report_sums_and_one_that_shut_down_keeps_its_count_but_leaves_the_gauges()
    {
        await using var h = new Harness();
        using var transitions = Collect<long>(h, FsmV2Telemetry.Instruments.StateTransitions);
        using var children = Collect<int>(h, FsmV2Telemetry.Instruments.ChildrenCount);
        var second = new Supervisor(Harness.DefaultOptions, h.Time, h.Logger, h.Pool, h.Meters);
        h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig());
        second.AddWorker("pump", new PumpWorker(), new PumpConfig());
        var two = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("a", new NodeSpec())).Add(CellWorker.AsChild("b", new NodeSpec()));
        second.AddWorker("line", new LineWorker(), new NodeSpec(Kids: two));
        h.Supervisor.Tick();
        for (int i = 0; i < 3; i++)
        {
            second.Tick();
        }

        transitions.RecordObservableInstruments();
        children.RecordObservableInstruments();
        Assert.Equal(2, StartingPumps());
        Assert.Equal(2, children.LastMeasurement?.Value); // the second supervisor's line; the first has no children

        await h.ShutDown(second);
        transitions.RecordObservableInstruments();
        children.RecordObservableInstruments();
        Assert.Equal(2, StartingPumps()); // a counter never goes down
        Assert.Equal(0, children.LastMeasurement?.Value); // only the live supervisor is left in the gauge

        long StartingPumps() => transitions.GetMeasurementSnapshot().Last(m => (string?)m.Tags["worker_type"] == "PumpWorker" && (string?)m.Tags["state"] == "Starting").Value;
    }

    [Fact]
    public async Task An_action_timeout_is_counted_timed_and_traced()
    {
        await using var h = new Harness();
        using var timeouts = Collect<long>(h, FsmV2Telemetry.Instruments.ActionTimeout);
        using var completed = Collect<long>(h, FsmV2Telemetry.Instruments.ActionCompleted);
        using var durations = Collect<double>(h, FsmV2Telemetry.Instruments.ActionDuration);
        using var queued = Collect<long>(h, FsmV2Telemetry.Instruments.ActionQueued);
        var spans = new List<Activity>();
        using var listener = Listen(spans, "deaf-timeout");

        var handle = h.AddWorkerWithEndlessAction("deaf-timeout", out Task started);
        h.Supervisor.Tick();
        await started.WaitAsync(Ct);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await handle.ActionCompletion.WaitAsync(Ct);

        Assert.Equal(1, queued.LastMeasurement?.Value);
        Assert.Equal(1, timeouts.LastMeasurement?.Value);
        Assert.Equal("Work", timeouts.LastMeasurement?.Tags["action"]);
        Assert.Equal("timedout", completed.LastMeasurement?.Tags["outcome"]);
        Assert.Equal(1.0, durations.LastMeasurement?.Value);
        Activity span = Assert.Single(spans);
        Assert.Equal("FsmV2.Action", span.OperationName);
        Assert.Equal("deaf-timeout", span.GetTagItem("fsmv2.worker.id"));
        Assert.Equal("Work", span.GetTagItem("fsmv2.action"));
        Assert.Equal("TimedOut", span.GetTagItem("fsmv2.action.outcome"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task Children_are_counted_and_a_reconcile_is_timed_when_a_child_is_added_and_removed()
    {
        await using var h = new Harness();
        using var children = Collect<int>(h, FsmV2Telemetry.Instruments.ChildrenCount);
        using var reconciles = Collect<double>(h, FsmV2Telemetry.Instruments.ReconciliationDuration);
        var two = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("a", new NodeSpec())).Add(CellWorker.AsChild("b", new NodeSpec()));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: two));
        h.Step(3);

        children.RecordObservableInstruments();
        Assert.Equal(2, children.LastMeasurement?.Value);

        line.UpdateSpec(new NodeSpec(Kids: new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("a", new NodeSpec()))));
        h.Step(3);
        children.RecordObservableInstruments();
        Assert.Equal(1, children.LastMeasurement?.Value);
        Assert.Equal(2, reconciles.GetMeasurementSnapshot().Count);
        Assert.Equal("LineWorker", reconciles.LastMeasurement?.Tags["worker_type"]);
    }

    [Fact]
    public async Task A_parents_reconcile_does_not_reconcile_an_unchanged_subtree_again()
    {
        await using var h = new Harness();
        using var reconciles = Collect<double>(h, FsmV2Telemetry.Instruments.ReconciliationDuration);
        var cells = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", new NodeSpec()));
        ChildSpecs<PlantWorker> Lines(int count)
        {
            var lines = new ChildSpecs<PlantWorker>();
            for (int i = 1; i <= count; i++)
            {
                lines.Add(LineWorker.AsChild($"l{i}", new NodeSpec(Kids: cells)));
            }

            return lines;
        }

        var plant = h.Supervisor.AddWorker("plant", new PlantWorker(), new NodeSpec(Kids: Lines(1)));
        h.Step(3);
        int LineReconciles() => reconciles.GetMeasurementSnapshot().Count(m => (string?)m.Tags["worker_type"] == "LineWorker");
        Assert.Equal(1, LineReconciles()); // l1 started its cell

        plant.UpdateSpec(new NodeSpec(Kids: Lines(2))); // the plant reconciles: l1 is unchanged, l2 is new
        h.Step(3);

        Assert.Equal(2, LineReconciles()); // l2's first; l1's subtree is not reconciled again
        Assert.Equal("Running", h.Supervisor.GetStatus("plant/l2/c1")?.State);
    }

    [Fact]
    public async Task Rendering_a_templated_child_is_timed_by_child_type_once_per_changed_render()
    {
        await using var h = new Harness();
        using var renders = Collect<double>(h, FsmV2Telemetry.Instruments.TemplateRenderingDuration);
        var variables = new VariableBundle(user: new Dictionary<string, object?> { ["plant"] = "acme-1" }, global: new Dictionary<string, object?> { ["region"] = "eu" });
        h.Supervisor.AddWorker("site", new SiteWorker(), SiteWorker.With(variables, "{{ plant }}/{{ cell }}"));
        h.Step(3);

        var measurements = renders.GetMeasurementSnapshot();
        Assert.Equal(["AreaWorker", "LeafWorker"], measurements.Select(m => (string?)m.Tags["worker_type"]).Distinct().Order());
        Assert.All(measurements, m => Assert.True(m.Value >= 0));
        int afterStart = measurements.Count;

        h.Step(3); // nothing changed: reconcile is gated by the desired version, so nothing is rendered again
        Assert.Equal(afterStart, renders.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task A_circuit_that_opens_and_recovers_shows_in_the_gauge_the_recovery_counter_and_the_log_fields()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        using var open = Collect<int>(h, FsmV2Telemetry.Instruments.CircuitOpen);
        using var recoveries = Collect<long>(h, FsmV2Telemetry.Instruments.InfrastructureRecovery);
        int created = 0;
        var first = new CellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("flaky", new NodeSpec(), () => Interlocked.Increment(ref created) == 1 ? first : new CellWorker()))
            .Add(CellWorker.AsChild("steady", new NodeSpec()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);
        open.RecordObservableInstruments();
        Assert.Equal(0, open.LastMeasurement?.Value);

        first.Fails = true; // three collector faults open the child's circuit, which opens its parent's
        for (int i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        open.RecordObservableInstruments();
        Assert.Equal(2, open.LastMeasurement?.Value); // line/flaky (its faults) and line (its infrastructure)
        var opened = Assert.Single(h.Logs, r => r.Message.StartsWith("Circuit OPEN for line (", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Equal("line", opened.GetStructuredStateValue("WorkerId"));
        Assert.Equal("Infrastructure", opened.GetStructuredStateValue("Scope"));
        Assert.Equal("1", opened.GetStructuredStateValue("Attempt"));
        Assert.Equal("5", opened.GetStructuredStateValue("MaxAttempts"));
        Assert.Equal(1.0, double.Parse(opened.GetStructuredStateValue("RetryInSeconds")!, CultureInfo.InvariantCulture));
        Assert.StartsWith("this worker and its subtree", opened.GetStructuredStateValue("Impact"), StringComparison.Ordinal);
        Assert.Empty(recoveries.GetMeasurementSnapshot());

        h.Time.Advance(TimeSpan.FromSeconds(1)); // the backoff has passed: restart the child, check, close
        h.Supervisor.Tick();

        open.RecordObservableInstruments();
        Assert.Equal(0, open.LastMeasurement?.Value);
        var recovered = Assert.Single(recoveries.GetMeasurementSnapshot());
        Assert.Equal(1, recovered.Value);
        Assert.Equal("LineWorker", recovered.Tags["worker_type"]);
    }

    [Fact]
    public async Task An_escalation_is_counted_by_worker_type_and_scope_and_logged_with_attempts_and_downtime()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        using var escalations = Collect<long>(h, FsmV2Telemetry.Instruments.Escalations);
        h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());
        for (int i = 0; i < 3; i++)
        {
            h.Supervisor.Tick(); // three faults: the worker's circuit opens (attempt 1)
        }

        foreach (int delay in new[] { 1, 2, 4 })
        {
            h.Time.Advance(TimeSpan.FromSeconds(delay));
            h.Supervisor.Tick(); // failed probes: attempts 2, 3, 4
        }

        Assert.Empty(escalations.GetMeasurementSnapshot());
        h.Time.Advance(TimeSpan.FromSeconds(8));
        h.Supervisor.Tick(); // attempt 5 of 5: escalate

        var escalated = Assert.Single(escalations.GetMeasurementSnapshot());
        Assert.Equal(1, escalated.Value);
        Assert.Equal("ProbeWorker", escalated.Tags["worker_type"]);
        Assert.Equal("worker", escalated.Tags["scope"]);
        var log = Assert.Single(h.Logs, r => r.Message.StartsWith("ESCALATION:", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, log.Level);
        Assert.Equal("5", log.GetStructuredStateValue("Attempts"));
        Assert.Equal(15.0, double.Parse(log.GetStructuredStateValue("DowntimeSeconds")!, CultureInfo.InvariantCulture)); // 1 + 2 + 4 + 8 s
        Assert.Equal("Worker", log.GetStructuredStateValue("Scope"));
    }

    [Fact]
    public async Task A_transition_is_logged_with_its_from_to_and_reason_fields()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig());
        h.Supervisor.Tick();

        var log = Assert.Single(h.Logs, r => r.Id.Name == "Transition");
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Equal("pump", log.GetStructuredStateValue("WorkerId"));
        Assert.Equal("PumpWorker", log.GetStructuredStateValue("WorkerType"));
        Assert.Equal("Stopped", log.GetStructuredStateValue("FromState"));
        Assert.Equal("Starting", log.GetStructuredStateValue("ToState"));
        Assert.False(string.IsNullOrEmpty(log.GetStructuredStateValue("Reason")));
    }

    [Fact]
    public async Task Collector_errors_and_stale_observations_are_counted()
    {
        await using var h = new Harness();
        using var errors = Collect<long>(h, FsmV2Telemetry.Instruments.CollectorErrors);
        using var stale = Collect<long>(h, FsmV2Telemetry.Instruments.StaleObservations);
        var sensor = new ProbeSensor();
        h.Supervisor.AddWorker("p", new ProbeWorker(sensor), new ProbeSpec());
        h.Supervisor.Tick();

        sensor.Failure = new IOException("unplugged");
        for (int i = 0; i < 6; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1)); // six failed collections; the observation is now 6 s old
        }

        h.Supervisor.Tick();
        h.Supervisor.Tick();

        Assert.Equal(6, errors.GetMeasurementSnapshot().Count);
        Assert.Single(stale.GetMeasurementSnapshot()); // counted when it goes stale, not every tick
    }

    [Fact]
    public async Task The_pool_gauges_report_utilization_and_queue_depth()
    {
        var pool = new ActionPool(maxConcurrency: 2, queueLength: 10);
        await using var h = new Harness(pool: pool);
        using var utilization = Collect<double>(h, FsmV2Telemetry.Instruments.WorkerPoolUtilization);
        using var depth = Collect<int>(h, FsmV2Telemetry.Instruments.ActionQueueDepth);
        var gate = new TaskCompletionSource();
        var bothStarted = new TaskCompletionSource();
        int started = 0;
        var workers = Enumerable.Range(0, 3).Select(i => h.Supervisor.AddWorker($"w{i}", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            return gate.Task;
        }), new ProbeSpec())).ToList();
        h.Supervisor.Tick();
        await bothStarted.Task.WaitAsync(Ct);

        utilization.RecordObservableInstruments();
        depth.RecordObservableInstruments();
        Assert.Equal(1.0, utilization.LastMeasurement?.Value);
        Assert.Equal(1, depth.LastMeasurement?.Value);

        gate.SetResult();
        foreach (var w in workers)
        {
            await w.ActionCompletion.WaitAsync(Ct);
        }
    }

    [Fact]
    public async Task A_restart_is_counted_and_traced()
    {
        await using var h = new Harness();
        using var restarts = Collect<long>(h, FsmV2Telemetry.Instruments.Restarts);
        var spans = new List<Activity>();
        using var listener = Listen(spans, "restarting");
        h.Supervisor.AddWorker("restarting", new ProbeWorker(new ProbeSensor(ProbeCommand.Restart)), new ProbeSpec());

        h.Supervisor.Tick();

        Assert.Equal(1, restarts.LastMeasurement?.Value);
        Activity span = Assert.Single(spans);
        Assert.Equal("FsmV2.Restart", span.OperationName);
        Assert.Equal("restart at seq 1", span.GetTagItem("fsmv2.reason"));
    }

    [Fact]
    public async Task What_an_action_logs_is_scoped_to_its_worker()
    {
        await using var h = new Harness();
        var handle = h.Supervisor.AddWorker("scoped", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async _ =>
        {
            await Task.Yield();
            h.Logger.LogInformation("inside the action");
        }), new ProbeSpec());

        h.Supervisor.Tick();
        await handle.ActionCompletion.WaitAsync(Ct);

        var record = Assert.Single(h.Logs, r => r.Message == "inside the action");
        var scope = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object?>>>(Assert.Single(record.Scopes));
        Assert.Contains(new KeyValuePair<string, object?>("WorkerId", "scoped"), scope);
        Assert.Contains(new KeyValuePair<string, object?>("WorkerType", "ProbeWorker"), scope);
    }

    private static ActivityListener Listen(List<Activity> into, string workerId)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FsmV2Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("fsmv2.worker.id") == workerId)
                {
                    lock (into)
                    {
                        into.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
