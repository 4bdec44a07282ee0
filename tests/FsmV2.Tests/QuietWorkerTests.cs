using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

/// <summary>
/// <see cref="SupervisorOptions.SkipUnchangedStays"/>: a worker that stayed in a state that reads no time is not
/// evaluated again until one of its inputs changes, and behaves as if it had been.
/// </summary>
public sealed class QuietWorkerTests
{
    private static SupervisorOptions Skipping(bool skip = true)
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.SkipUnchangedStays = skip;
        return options;
    }

    [Fact]
    public void The_generator_finds_which_states_read_the_time()
    {
        Assert.False(QuietWorker.Definition.ReadsTime(0));
        Assert.True(ClockReadingWorker.Definition.ReadsTime(0));
        Assert.True(SnapshotPassingWorker.Definition.ReadsTime(0)); // passes its snapshot to a helper
        Assert.True(SnapshotPassingWorker.Definition.ReadsTime(1)); // copies it
        Assert.True(CallbackWorker.Definition.ReadsTime(0)); // invokes a delegate from its desired state
        Assert.False(ThermostatWorker.Definition.ReadsTime(0)); // reads only Observed, Desired and ShutdownRequested
        Assert.True(new WorkerDefinition("Hand", ["A"], [LifecyclePhase.Stopped], [true], 0, [[]], [], []).ReadsTime(0)); // written by hand: taken to
    }

    [Fact]
    public async Task An_unchanged_worker_is_not_evaluated_again_and_the_recorder_counts_every_stay()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe));
        h.Step();
        Assert.Equal(1, probe.Evaluations);

        h.Step(5); // 0.5 s: no new observation, nothing else changed
        Assert.Equal(1, probe.Evaluations);
        DecisionRecord stay = Assert.Single(h.Supervisor.Recorder.GetDecisions("q"));
        Assert.Equal((NextKind.Stay, "idle", 6), (stay.Kind, stay.Reason, stay.Count));
        Assert.Equal(h.Time.GetUtcNow(), stay.LastAt);
        Assert.Equal("idle", h.Supervisor.GetStatus().Single().Reason);
    }

    [Fact]
    public async Task A_new_observation_a_new_spec_and_a_removal_are_each_decided_on()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        WorkerHandle<QuietSpec, QuietReading> handle = h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe));
        h.Step();

        h.Step(10); // past the collect interval (1 s): a new observation, though equal to the last
        Assert.Equal(2, probe.Evaluations);

        handle.UpdateSpec(QuietProbes.Spec(probe, level: 1));
        h.Step();
        Assert.Equal(3, probe.Evaluations);
        Assert.Equal("raised", h.Supervisor.GetStatus().Single().Reason);

        Assert.True(h.Supervisor.RemoveWorker("q"));
        h.Step();
        Assert.Equal(4, probe.Evaluations);
        Assert.Empty(h.Supervisor.GetStatus());
    }

    [Fact]
    public async Task A_skipped_worker_goes_stale_on_the_first_tick_its_observation_is_older_than_StaleAfter()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe)); // observed at once, at t0
        DateTimeOffset observedAt = h.Time.GetUtcNow();
        h.Step();
        probe.Reading = new TaskCompletionSource<QuietReading>().Task; // every later collection hangs until its timeout

        TimeSpan? loggedAt = null; // when the tick itself found the observation stale (IsStale in the status is computed by the reader)
        for (int i = 0; i < 60 && loggedAt is null; i++)
        {
            h.Step();
            loggedAt = h.Logs.Any(r => r.Id.Id == 10) ? h.Time.GetUtcNow() - observedAt : null; // ObservationStale
        }

        // StaleAfter is 5 s: found on the first tick past it (5.1 s), though only the time has changed since its
        // collector's last timeout.
        Assert.Equal(TimeSpan.FromSeconds(5.1), loggedAt);
        Assert.True(h.Supervisor.GetStatus().Single().IsStale);
    }

    [Fact]
    public async Task A_parent_is_evaluated_on_every_tick_so_a_childs_change_reaches_it_at_once()
    {
        await using var h = new Harness(Skipping());
        var sick = new CellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("sick", new NodeSpec(), () => sick))
            .Add(CellWorker.AsChild("well", new NodeSpec()));
        WorkerHandle<NodeSpec, NodeStatus> line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs)); // observed at t0
        h.Step(4); // the children are created and observed at t0 + 0.1 s
        Assert.Equal("all children healthy", line.Status.Reason);

        sick.Fails = true; // its next collection fails: a child with a collect error counts as unhealthy
        h.Step(7); // t0 + 1.1 s: the line's own observation is from t0 + 1 s, the sick cell's failed one from now
        Assert.Contains("1 unhealthy", line.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_worker_that_faulted_is_evaluated_on_every_tick()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe { Reading = Task.FromException<QuietReading>(new IOException("sensor offline")) };
        h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe)); // its first collection fails: a fault
        probe.Reading = Task.FromResult(new QuietReading(true));
        h.Step(10); // the second collection (t0 + 1 s) succeeds: decided on from then
        int evaluations = probe.Evaluations;

        h.Step(5);
        Assert.Equal(1, h.Supervisor.GetStatus().Single().FaultCount);
        Assert.Equal(evaluations + 5, probe.Evaluations);
    }

    [Fact]
    public async Task An_operator_restart_and_isolation_reach_a_skipped_worker_at_its_next_tick()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe));
        h.Step(3); // decided once, then skipped
        Assert.Equal(1, probe.Evaluations);

        Assert.True(h.Supervisor.RestartWorker("q", "operator asked"));
        h.Step();
        Assert.Equal(1, h.Supervisor.GetStatus().Single().RestartCount);

        Assert.True(h.Supervisor.IsolateCircuit("q"));
        h.Step();
        Assert.NotEqual(CircuitState.Closed, h.Supervisor.GetStatus().Single().Circuit);
    }

    [Fact]
    public async Task A_state_reading_an_observation_changed_in_place_sees_the_change_only_at_its_next_observation()
    {
        await using var h = new Harness(Skipping());
        var reading = new MutableReading();
        h.Supervisor.AddWorker("m", new MutableReadingWorker(reading), new QuietSpec()); // observed at t0
        h.Step();
        Assert.Equal("low", h.Supervisor.GetStatus().Single().Reason);

        reading.Level = 1; // changed behind the collector's back: no new observation
        h.Step(5);
        Assert.Equal("low", h.Supervisor.GetStatus().Single().Reason); // skipped: its inputs are unchanged
        h.Step(5); // t0 + 1.1 s: the next collection (the same object) is a new observation
        Assert.Equal("high", h.Supervisor.GetStatus().Single().Reason);
    }

    [Fact]
    public async Task A_state_that_reads_the_time_is_evaluated_on_every_tick()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        h.Supervisor.AddWorker("c", new ClockReadingWorker(probe), QuietProbes.Spec(probe));
        h.Step(6);
        Assert.Equal(6, probe.Evaluations);
    }

    [Fact]
    public async Task By_default_every_tick_evaluates_every_worker()
    {
        Assert.False(new SupervisorOptions().SkipUnchangedStays);
        await using var h = new Harness();
        var probe = new QuietProbe();
        h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe));
        h.Step(6);
        Assert.Equal(6, probe.Evaluations);
        Assert.Equal(6, Assert.Single(h.Supervisor.Recorder.GetDecisions("q")).Count);
    }
}
