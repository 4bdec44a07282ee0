using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

public class RecordingCaptureTests
{
    private static SupervisorOptions Capturing(string type, int budget)
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.Recorder.CaptureWorkerTypes = [type];
        options.Recorder.CaptureBudgetBytes = budget;
        return options;
    }

    /// <summary>Five decisions of a thermostat, each on a new observation: 20, 18.5, 19.5, 20, 20 °C.</summary>
    private static IReadOnlyList<DecisionRecord> RecordFive(Harness h)
    {
        var sensor = new ThermostatSensor();
        h.Supervisor.AddWorker("room", new ThermostatWorker(sensor), new ThermostatSpec());
        foreach (double celsius in new[] { 20, 18.5, 19.5, 20, 20 })
        {
            sensor.Celsius = celsius;
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        return h.Supervisor.Recorder.GetDecisions("room");
    }

    [Fact]
    public async Task A_captured_decision_keeps_its_snapshot_as_json()
    {
        await using var h = new Harness(Capturing("ThermostatWorker", 1024));
        DecisionRecord second = RecordFive(h)[1];

        Assert.NotNull(second.Snapshot);
        CapturedSnapshot snapshot = second.Snapshot;
        Assert.Equal("""{"Target":20}""", snapshot.Desired.GetRawText());
        Assert.Equal("""{"Celsius":18.5}""", snapshot.Observed.GetRawText());
        Assert.Equal(second.At - second.ObservationAge, snapshot.CollectedAt);
        Assert.Equal((false, false, null), (snapshot.ShutdownRequested, snapshot.StopRequested, snapshot.CollectError));
        Assert.Equal(29, snapshot.SizeBytes);
    }

    [Fact]
    public async Task Over_the_budget_the_oldest_captures_are_dropped_and_their_decisions_stay()
    {
        await using var h = new Harness(Capturing("ThermostatWorker", 60)); // two snapshots of 27-29 bytes
        IReadOnlyList<DecisionRecord> decisions = RecordFive(h);

        Assert.Equal(5, decisions.Count);
        Assert.Equal([false, false, false, true, true], decisions.Select(d => d.Snapshot is not null));
        ReplayReport report = WorkerReplay.Run<ThermostatWorker>(h.Supervisor.Recorder.GetRecording("room"));
        Assert.Equal([ReplayOutcome.NotCaptured, ReplayOutcome.NotCaptured, ReplayOutcome.NotCaptured, ReplayOutcome.Same, ReplayOutcome.Same], report.Steps.Select(s => s.Outcome));
    }

    [Fact]
    public async Task A_snapshot_larger_than_the_budget_is_not_captured_and_logged_once()
    {
        await using var h = new Harness(Capturing("ThermostatWorker", 20));
        IReadOnlyList<DecisionRecord> decisions = RecordFive(h);

        Assert.Equal(5, decisions.Count);
        Assert.All(decisions, d => Assert.Null(d.Snapshot));
        var logged = Assert.Single(h.Logs, r => r.Id.Id == 71);
        Assert.Contains("Worker room (ThermostatWorker): a snapshot of 27 bytes exceeds SupervisorOptions.Recorder.CaptureBudgetBytes", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_that_cannot_be_serialised_is_recorded_without_snapshots_and_logged_once()
    {
        await using var h = new Harness(Capturing("CallbackWorker", 1024));
        int calls = 0;
        h.Supervisor.AddWorker("callback", new CallbackWorker(), new CallbackSpec(() => ++calls));
        h.Step(3);

        Assert.Equal(3, h.Supervisor.Recorder.GetDecisions("callback").Count); // a new reason each tick
        Assert.All(h.Supervisor.Recorder.GetDecisions("callback"), d => Assert.Null(d.Snapshot));
        var logged = Assert.Single(h.Logs, r => r.Id.Id == 70);
        Assert.Contains("Worker callback (CallbackWorker): its snapshot could not be serialised", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_listed_worker_types_are_captured()
    {
        await using var h = new Harness(Capturing("ToggleWorker", 1024));
        IReadOnlyList<DecisionRecord> decisions = RecordFive(h);

        Assert.All(decisions, d => Assert.Null(d.Snapshot));
    }
}
