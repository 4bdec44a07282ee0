using System.Globalization;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Tests;

/// <summary>
/// The runtime's log events as a log pipeline sees them: each scenario is driven through the supervisor, and the
/// records are found by event name (the <c>[LoggerMessage]</c> method of <c>Log</c>) and checked for their event id,
/// level, structured fields (named as in the message template) and exception.
/// </summary>
public class LogEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adding_workers_logs_WorkerAdded_with_the_initial_state_and_their_children_log_ChildAdded_by_parent()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig());
        var cells = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", new NodeSpec())).Add(CellWorker.AsChild("c2", new NodeSpec()));
        h.Supervisor.AddWorker("plant", new PlantWorker(), new NodeSpec(Kids: new ChildSpecs<PlantWorker>().Add(LineWorker.AsChild("l1", new NodeSpec(Kids: cells)))));

        FakeLogRecord[] added = Events(h, "WorkerAdded", 1, LogLevel.Information); // logged by AddWorker, before any tick
        Assert.Equal(2, added.Length);
        Assert.Equal("pump", added[0].GetStructuredStateValue("WorkerId"));
        Assert.Equal("PumpWorker", added[0].GetStructuredStateValue("WorkerType"));
        Assert.Equal("Stopped", added[0].GetStructuredStateValue("State"));
        Assert.Equal("plant", added[1].GetStructuredStateValue("WorkerId"));
        Assert.Equal("PlantWorker", added[1].GetStructuredStateValue("WorkerType"));
        Assert.Equal("Stopped", added[1].GetStructuredStateValue("State"));
        Assert.Empty(Events(h, "ChildAdded", 30, LogLevel.Information));

        h.Step(3);

        Assert.Equal(2, Events(h, "WorkerAdded", 1, LogLevel.Information).Length); // children are not WorkerAdded
        Assert.Equal(
            [("plant", "plant/l1", "LineWorker"), ("plant/l1", "plant/l1/c1", "CellWorker"), ("plant/l1", "plant/l1/c2", "CellWorker")],
            Events(h, "ChildAdded", 30, LogLevel.Information).Select(r => (r.GetStructuredStateValue("ParentId"), r.GetStructuredStateValue("ChildId"), r.GetStructuredStateValue("WorkerType"))));
    }

    [Fact]
    public async Task An_action_logs_ActionStarted_at_debug_and_one_that_throws_logs_ActionFailed_at_warning_without_a_stack_trace_and_the_exception_at_debug()
    {
        await using var h = new Harness();
        var running = new TaskCompletionSource();
        var fail = new TaskCompletionSource();
        var jammed = new InvalidOperationException("valve jammed");
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async ct =>
        {
            running.TrySetResult();
            await fail.Task.WaitAsync(ct);
            throw jammed;
        }), new ProbeSpec());

        h.Supervisor.Tick(); // A: Do(Work)

        FakeLogRecord started = Assert.Single(Events(h, "ActionStarted", 5, LogLevel.Debug));
        Assert.Equal("p", started.GetStructuredStateValue("WorkerId"));
        Assert.Equal("ProbeWorker", started.GetStructuredStateValue("WorkerType"));
        Assert.Equal("Work", started.GetStructuredStateValue("Action"));
        Assert.Equal("A", started.GetStructuredStateValue("State"));
        Assert.Equal("work at seq 1", started.GetStructuredStateValue("Reason"));
        Assert.Empty(Events(h, "ActionFailed", 6, LogLevel.Warning));

        await running.Task.WaitAsync(Ct); // its duration counts from here
        h.Time.Advance(TimeSpan.FromMilliseconds(250)); // well under the action's 1 s timeout
        fail.SetResult();
        await handle.ActionCompletion.WaitAsync(Ct);

        FakeLogRecord failed = Assert.Single(Events(h, "ActionFailed", 6, LogLevel.Warning));
        Assert.Equal("p", failed.GetStructuredStateValue("WorkerId"));
        Assert.Equal("ProbeWorker", failed.GetStructuredStateValue("WorkerType"));
        Assert.Equal("Work", failed.GetStructuredStateValue("Action"));
        Assert.Equal(250.0, double.Parse(failed.GetStructuredStateValue("DurationMs")!, CultureInfo.InvariantCulture));
        Assert.Equal("InvalidOperationException: valve jammed", failed.GetStructuredStateValue("Error"));
        Assert.Equal("Worker p (ProbeWorker) action Work failed after 250 ms: InvalidOperationException: valve jammed", failed.Message);
        Assert.Null(failed.Exception); // an expected failure: no stack trace at Warning

        FakeLogRecord detail = Assert.Single(Events(h, "ActionFailureDetail", 80, LogLevel.Debug));
        Assert.Equal(("p", "ProbeWorker", "Work"), Fields(detail, "WorkerId", "WorkerType", "Action"));
        Assert.Same(jammed, detail.Exception); // the stack trace, at Debug
        Assert.True(IndexOf(h, failed) < IndexOf(h, detail));
    }

    [Fact]
    public async Task A_restart_signal_logs_WorkerRestarted_with_the_state_it_left_and_the_restart_count_so_far()
    {
        await using var h = new Harness();
        var sensor = new ProbeSensor(ProbeCommand.GotoNext);
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor), new ProbeSpec());
        h.Supervisor.Tick();
        Assert.Equal("B", handle.Status.State);

        sensor.Command = ProbeCommand.Restart;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // seq 2 observes Restart
        long observed = handle.Record.Observation.Version;
        h.Supervisor.Tick(); // B: Restart -> A
        await Harness.WaitUntil(() => handle.Record.Observation.Version > observed); // seq 3, collected after the restart, still says Restart
        h.Supervisor.Tick(); // A: Restart -> A

        FakeLogRecord[] restarts = Events(h, "WorkerRestarted", 13, LogLevel.Warning);
        Assert.Equal(2, restarts.Length);
        Assert.All(restarts, r => Assert.Equal(("p", "ProbeWorker"), (r.GetStructuredStateValue("WorkerId"), r.GetStructuredStateValue("WorkerType"))));
        Assert.Equal(("B", "1", "restart at seq 2"), Fields(restarts[0], "State", "RestartCount", "Reason"));
        Assert.Equal(("A", "2", "restart at seq 3"), Fields(restarts[1], "State", "RestartCount", "Reason"));
        Assert.Equal(2, handle.Status.RestartCount);
    }

    [Fact]
    public async Task A_decision_naming_no_state_or_action_of_the_worker_logs_InvalidDecision_with_its_kind_and_index()
    {
        await using var h = new Harness();
        var handle = h.Supervisor.AddWorker("rogue", new RogueWorker(), new RogueSpec(StateIndex: 7));

        h.Supervisor.Tick();
        h.Supervisor.Tick(); // the same refused Goto is logged once

        FakeLogRecord refusedGoto = Assert.Single(Events(h, "InvalidDecision", 17, LogLevel.Error));
        Assert.Equal("rogue", refusedGoto.GetStructuredStateValue("WorkerId"));
        Assert.Equal("RogueWorker", refusedGoto.GetStructuredStateValue("WorkerType"));
        Assert.Equal(("Holding", "Goto", "7"), Fields(refusedGoto, "State", "Kind", "Index"));
        Assert.Equal("Holding", handle.Status.State);

        handle.UpdateSpec(new RogueSpec(ActionIndex: 3));
        h.Supervisor.Tick();

        FakeLogRecord refusedDo = Events(h, "InvalidDecision", 17, LogLevel.Error)[^1];
        Assert.Equal("rogue", refusedDo.GetStructuredStateValue("WorkerId"));
        Assert.Equal(("Holding", "Do", "3"), Fields(refusedDo, "State", "Kind", "Index"));
        Assert.Null(handle.Status.ActionInFlight);
        Assert.Empty(Events(h, "ActionStarted", 5, LogLevel.Debug));
    }

    [Fact]
    public async Task Asking_a_worker_to_leave_logs_RemovalRequested_once_however_often_it_is_asked()
    {
        await using var h = new Harness();
        var handle = h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig(Run: false));
        h.Supervisor.Tick();
        Assert.Empty(Events(h, "RemovalRequested", 18, LogLevel.Information));

        Assert.True(h.Supervisor.RemoveWorker("pump"));
        Assert.True(h.Supervisor.RemoveWorker("pump"));
        handle.RequestRemoval();

        FakeLogRecord requested = Assert.Single(Events(h, "RemovalRequested", 18, LogLevel.Information));
        Assert.Equal("pump", requested.GetStructuredStateValue("WorkerId"));
        Assert.Equal("PumpWorker", requested.GetStructuredStateValue("WorkerType"));
        h.Supervisor.Tick();
        Assert.True(handle.IsRemoved);
    }

    [Fact]
    public async Task A_shutdown_logs_ShutdownRequested_with_the_number_of_its_own_workers_then_RemovalRequested_for_them_and_their_children()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("pump", new PumpWorker(), new PumpConfig(Run: false));
        var cells = new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", new NodeSpec())).Add(CellWorker.AsChild("c2", new NodeSpec()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: cells));
        h.Step(3);
        Assert.Empty(Events(h, "ShutdownRequested", 15, LogLevel.Information));

        await h.ShutDown(h.Supervisor);

        FakeLogRecord shutdown = Assert.Single(Events(h, "ShutdownRequested", 15, LogLevel.Information));
        Assert.Equal("2", shutdown.GetStructuredStateValue("Count")); // the supervisor's own workers; the line's children are its to stop
        FakeLogRecord[] removals = Events(h, "RemovalRequested", 18, LogLevel.Information);
        Assert.Equal(
            [("pump", "PumpWorker"), ("line", "LineWorker"), ("line/c1", "CellWorker"), ("line/c2", "CellWorker")],
            removals.Select(r => (r.GetStructuredStateValue("WorkerId"), r.GetStructuredStateValue("WorkerType"))));
        Assert.True(IndexOf(h, shutdown) < IndexOf(h, removals[0]));
        Assert.Equal(0, h.Supervisor.Count);
    }

    [Fact]
    public async Task A_parent_asked_to_leave_logs_WaitingForChildren_once_while_a_child_lingers_and_ChildRemoved_as_each_child_leaves()
    {
        await using var h = new Harness();
        var line = h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("fine", new NodeSpec()))
            .Add(StubbornCellWorker.AsChild("stubborn", new NodeSpec()))));
        h.Step(3);
        Assert.Equal("Running", line.Status.State);

        line.RequestRemoval();
        h.Step(); // line Running -> Stopped; line/fine Running -> Stopped
        h.Step(); // line/fine leaves; line asks to be removed while line/stubborn refuses to leave

        FakeLogRecord waiting = Assert.Single(Events(h, "WaitingForChildren", 36, LogLevel.Information));
        Assert.Equal("line", waiting.GetStructuredStateValue("WorkerId"));
        Assert.Equal("LineWorker", waiting.GetStructuredStateValue("WorkerType"));
        Assert.Equal("1", waiting.GetStructuredStateValue("Children"));
        FakeLogRecord fineLeft = Assert.Single(Events(h, "ChildRemoved", 33, LogLevel.Information));
        Assert.Equal(("line", "line/fine"), (fineLeft.GetStructuredStateValue("ParentId"), fineLeft.GetStructuredStateValue("ChildId")));
        Assert.False(line.IsRemoved);

        for (int i = 0; i < 200 && !line.IsRemoved; i++)
        {
            h.Step(); // the line asks again every tick until line/stubborn is stopped at the shutdown timeout
        }

        Assert.True(line.IsRemoved);
        Assert.Single(Events(h, "WaitingForChildren", 36, LogLevel.Information));
        FakeLogRecord[] left = Events(h, "ChildRemoved", 33, LogLevel.Information);
        Assert.Equal(
            [("line", "line/fine"), ("line", "line/stubborn")],
            left.Select(r => (r.GetStructuredStateValue("ParentId"), r.GetStructuredStateValue("ChildId"))));
        FakeLogRecord lineRemoved = Assert.Single(h.Logs, r => r.Id.Name == "WorkerRemoved" && r.GetStructuredStateValue("WorkerId") == "line");
        Assert.True(IndexOf(h, left[^1]) < IndexOf(h, lineRemoved)); // the parent leaves after its last child
    }

    [Fact]
    public async Task A_child_spec_its_worker_cannot_derive_logs_ChildUpdateFailed_with_the_exception_and_the_child_keeps_its_spec()
    {
        await using var h = new Harness();
        static NodeSpec Line(string setting) => new(Kids: new ChildSpecs<LineWorker>().Add(PickyCellWorker.AsChild("picky", new NodeSpec(Setting: setting))));
        var line = h.Supervisor.AddWorker("line", new LineWorker(), Line("a"));
        h.Step(2);
        var picky = h.Supervisor.Store.Get<NodeSpec, NodeStatus>("line/picky")!;
        long version = picky.DesiredVersion;

        line.UpdateSpec(Line("unsupported-b"));
        h.Step();

        FakeLogRecord failed = Assert.Single(Events(h, "ChildUpdateFailed", 35, LogLevel.Error));
        Assert.Equal("line", failed.GetStructuredStateValue("ParentId"));
        Assert.Equal("line/picky", failed.GetStructuredStateValue("ChildId"));
        var error = Assert.IsType<InvalidOperationException>(failed.Exception);
        Assert.Contains("'line/picky' (PickyCellWorker): DeriveDesired threw", error.Message, StringComparison.Ordinal);
        var cause = Assert.IsType<ArgumentException>(error.InnerException);
        Assert.StartsWith("setting 'unsupported-b' is not supported", cause.Message, StringComparison.Ordinal);
        Assert.Equal(("a", version), (picky.Desired.Setting, picky.DesiredVersion));
        Assert.Same(cause, h.Supervisor.GetStatus("line/picky")!.LastFault);
        Assert.Empty(Events(h, "ChildUpdated", 31, LogLevel.Information));

        line.UpdateSpec(Line("b"));
        h.Step();

        Assert.Equal("b", picky.Desired.Setting);
        Assert.Single(Events(h, "ChildUpdated", 31, LogLevel.Information));
        Assert.Single(Events(h, "ChildUpdateFailed", 35, LogLevel.Error));
    }

    [Fact]
    public async Task A_worker_whose_state_throws_three_times_opens_its_fault_circuit_and_the_heartbeat_names_the_reason_it_opened()
    {
        await using var h = new Harness(Harness.ExactBackoff(o => o.Circuit.Backoff.InitialDelay = TimeSpan.FromSeconds(60)));
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Throw)), new ProbeSpec());

        h.Step(3); // three faults: the third trips the worker's fault circuit
        h.Step();

        Assert.Equal(CircuitState.Open, handle.Status.Circuit);
        Exception last = handle.Status.LastFault!;
        string reason = $"state A threw 3 times within 300 s; last: InvalidOperationException: {last.Message}";
        FakeLogRecord opened = Assert.Single(Events(h, "CircuitOpened", 40, LogLevel.Warning));
        Assert.Equal(reason, opened.GetStructuredStateValue("Reason"));
        FakeLogRecord beat = Assert.Single(Events(h, "CircuitHeartbeat", 42, LogLevel.Warning));
        Assert.Equal(("p", "Worker", "1"), Fields(beat, "WorkerId", "Scope", "Attempt"));
        Assert.Equal(reason, beat.GetStructuredStateValue("LastFailure"));
        Assert.EndsWith($"last failure: {reason}", beat.Message, StringComparison.Ordinal);
    }

    /// <summary>The records of event <paramref name="name"/>, in order, each checked for its event id and level.</summary>
    private static FakeLogRecord[] Events(Harness h, string name, int id, LogLevel level)
    {
        FakeLogRecord[] records = [.. h.Logs.Where(r => r.Id.Name == name)];
        Assert.All(records, r => Assert.Equal((id, level), (r.Id.Id, r.Level)));
        return records;
    }

    private static (string?, string?, string?) Fields(FakeLogRecord record, string first, string second, string third) =>
        (record.GetStructuredStateValue(first), record.GetStructuredStateValue(second), record.GetStructuredStateValue(third));

    private static int IndexOf(Harness h, FakeLogRecord record) => h.Logs.ToList().IndexOf(record);
}
