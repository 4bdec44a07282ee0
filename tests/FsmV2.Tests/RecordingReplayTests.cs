using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

public class RecordingReplayTests
{
    private static SupervisorOptions Capturing(params string[] types)
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.Recorder.CaptureWorkerTypes = types;
        return options;
    }

    /// <summary>
    /// A thermostat through a cold spell: 20 °C (stays), 18.5 °C (heats), 19.5 °C (keeps heating), 20 °C (stops).
    /// One new observation per second, ticked once after each.
    /// </summary>
    private static WorkerRecording RecordColdSpell(Harness h)
    {
        var sensor = new ThermostatSensor();
        h.Supervisor.AddWorker("room", new ThermostatWorker(sensor), new ThermostatSpec());
        foreach (double celsius in new[] { 20, 18.5, 19.5, 20, 20 })
        {
            sensor.Celsius = celsius;
            h.Time.Advance(TimeSpan.FromSeconds(1)); // the collector observes inline
            h.Supervisor.Tick();
        }

        return h.Supervisor.Recorder.GetRecording("room");
    }

    [Fact]
    public async Task A_pure_worker_replays_to_the_same_decisions()
    {
        await using var h = new Harness(Capturing("ThermostatWorker"));
        WorkerRecording recording = RecordColdSpell(h);
        Assert.Equal(["within band", "too cold: 18.5 °C", "heating", "warm enough", "within band"], recording.Decisions.Select(d => d.Reason));

        ReplayReport report = WorkerReplay.Run<ThermostatWorker>(recording);

        Assert.True(report.AllSame, report.ToString());
        Assert.Equal(5, report.Replayed);
        Assert.Null(report.FirstDifference);
        Assert.All(report.Steps, s => Assert.Equal(ReplayOutcome.Same, s.Outcome));
        Assert.Equal(recording.Decisions.Select(d => (d.Kind, d.Target)), report.Steps.Select(s => (s.Kind!.Value, s.Target)));
    }

    [Fact]
    public async Task A_changed_state_reports_the_first_decision_that_differs()
    {
        await using var h = new Harness(Capturing("ThermostatWorker"));
        WorkerRecording recording = RecordColdSpell(h);

        ReplayReport report = WorkerReplay.Run<WideBandThermostatWorker>(recording);

        Assert.False(report.AllSame);
        ReplayStep first = Assert.NotNull(report.FirstDifference);
        Assert.Equal(1, first.Index); // 18.5 °C: the original heats, the wide band stays
        Assert.Equal(("Idle", NextKind.Goto, "Heating"), (first.Recorded.State, first.Recorded.Kind, first.Recorded.Target));
        Assert.Equal((NextKind.Stay, (string?)null, "within band"), (first.Kind!.Value, first.Target, first.Reason));
        Assert.Equal("kind Goto -> Stay", first.Difference);
        Assert.Equal(ReplayOutcome.Same, report.Steps[0].Outcome);
        Assert.Contains("decision 1 of 5 differs, in state Idle", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recording_replays_the_same_after_an_export_round_trip()
    {
        await using var h = new Harness(Capturing("ThermostatWorker"));
        WorkerRecording recording = RecordColdSpell(h);
        using var file = new MemoryStream();
        h.Supervisor.Recorder.Export("room", file);
        file.Position = 0;

        WorkerRecording read = WorkerRecording.Read(file);

        Assert.Equal(("room", "ThermostatWorker"), (read.WorkerId, read.WorkerType));
        Assert.Equal(recording.Decisions.Select(d => d with { Snapshot = null }), read.Decisions.Select(d => d with { Snapshot = null }));
        Assert.Equal(
            recording.Decisions.Select(d => (d.Snapshot!.Desired.GetRawText(), d.Snapshot.Observed.GetRawText(), d.Snapshot.CollectedAt)),
            read.Decisions.Select(d => (d.Snapshot!.Desired.GetRawText(), d.Snapshot.Observed.GetRawText(), d.Snapshot.CollectedAt)));
        Assert.True(WorkerReplay.Run<ThermostatWorker>(read).AllSame);
    }

    [Fact]
    public async Task Decisions_of_a_type_that_is_not_captured_are_not_replayed()
    {
        await using var h = new Harness();
        WorkerRecording recording = RecordColdSpell(h);

        ReplayReport report = WorkerReplay.Run<ThermostatWorker>(recording);

        Assert.All(report.Steps, s => Assert.Equal(ReplayOutcome.NotCaptured, s.Outcome));
        Assert.Equal(0, report.Replayed);
        Assert.False(report.AllSame);
    }

    [Fact]
    public void A_type_that_is_not_a_worker_is_refused_by_name()
    {
        var recording = new WorkerRecording("room", "ThermostatWorker", []);
        var error = Assert.Throws<ArgumentException>(() => WorkerReplay.Run<ThermostatSensor>(recording));
        Assert.Contains("ThermostatSensor is not a [Worker]", error.Message, StringComparison.Ordinal);
    }
}
