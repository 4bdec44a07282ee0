using System.Diagnostics;
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
