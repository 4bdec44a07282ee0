using FsmV2.Sqlite.Tests.Workers;

namespace FsmV2.Sqlite.Tests;

/// <summary>A process writes its workers to a file; the next process, on the same file, resumes them.</summary>
public class ResumeTests
{
    private static readonly string StepType = StepWorker.Definition.WorkerType;

    private static ChildSpec Latch(bool latch) =>
        ChildSpec.Create<LatchWorker, LatchSpec, StepStatus>("latch", new LatchSpec(latch), () => new LatchWorker());

    [Fact]
    public async Task A_record_keeps_identity_type_parent_desired_json_state_and_the_last_observation_with_its_time()
    {
        using var rig = new Rig();
        using (SqliteWorkerStore store = rig.Open())
        {
            Supervisor supervisor = rig.Supervisor(store);
            supervisor.AddWorker("plant", new StepWorker(), new StepSpec("C", [Latch(true)]));
            await rig.StepUntil(supervisor, "plant", "C");
            await rig.StepUntil(supervisor, "plant/latch", "Latched");
            Assert.True(store.Flush(), store.LastError);
            await rig.ShutDown(supervisor);
        }

        Assert.Equal(StepType, Sql.Scalar(rig.FilePath, "SELECT worker_type FROM workers WHERE id = 'plant'"));
        Assert.Equal("C", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'plant'"));
        Assert.Contains("\"Target\":\"C\"", (string)Sql.Scalar(rig.FilePath, "SELECT desired_json FROM workers WHERE id = 'plant'")!, StringComparison.Ordinal);
        Assert.Equal("{\"Reading\":42}", Sql.Scalar(rig.FilePath, "SELECT observed_json FROM workers WHERE id = 'plant'"));
        Assert.NotNull(Sql.Scalar(rig.FilePath, "SELECT collected_at FROM workers WHERE id = 'plant'") as string);
        Assert.True(DateTimeOffset.Parse((string)Sql.Scalar(rig.FilePath, "SELECT state_since FROM workers WHERE id = 'plant'")!, System.Globalization.CultureInfo.InvariantCulture) > TestClock.Start);
        Assert.Equal(DBNull.Value, Sql.Scalar(rig.FilePath, "SELECT parent FROM workers WHERE id = 'plant'"));
        Assert.Equal("plant", Sql.Scalar(rig.FilePath, "SELECT parent FROM workers WHERE id = 'plant/latch'"));
        Assert.Equal("Latched", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'plant/latch'"));
        Assert.Equal("wal", Sql.Scalar(rig.FilePath, "PRAGMA journal_mode"));
        Assert.Equal(2L, Sql.Scalar(rig.FilePath, "SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task A_restarted_process_resumes_a_root_in_its_persisted_state_by_name_before_its_first_tick()
    {
        using var rig = new Rig();
        await RunUntil(rig, "w", new StepSpec("C"), "C");

        using SqliteWorkerStore again = rig.Open();
        Supervisor supervisor = rig.Supervisor(again);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
        Assert.True(rig.Logged($"Worker w ({StepType}) added in state C"));

        Assert.Equal("C", supervisor.GetStatus("w")!.State); // a fresh worker starts in A
        Assert.True(rig.Logged("Worker w (" + StepType + ") resumed in C from the store"));
        rig.Step(supervisor, 3);
        Assert.Equal("C", supervisor.GetStatus("w")!.State);
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task A_persisted_state_the_type_no_longer_has_resumes_in_the_initial_state_with_a_log_line_naming_the_worker_and_the_old_state()
    {
        using var rig = new Rig();
        await RunUntil(rig, "w", new StepSpec("C"), "C");
        Sql.Execute(rig.FilePath, "UPDATE workers SET state = 'Vanished' WHERE id = 'w'");

        using SqliteWorkerStore again = rig.Open();
        Supervisor supervisor = rig.Supervisor(again);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("A"));

        Assert.Equal("A", supervisor.GetStatus("w")!.State);
        Assert.True(rig.Logged("Worker w (" + StepType + ") was persisted in state Vanished, which its type no longer has; it resumes in its initial state A"));
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task A_record_whose_worker_type_is_not_registered_is_kept_and_reported_never_deleted()
    {
        using var rig = new Rig();
        await RunUntil(rig, "old", new StepSpec("B"), "B");
        Sql.Execute(rig.FilePath, "UPDATE workers SET worker_type = 'RetiredWorker' WHERE id = 'old'");

        using (SqliteWorkerStore again = rig.Open())
        {
            Supervisor supervisor = rig.Supervisor(again);
            supervisor.AddWorker("new", new StepWorker(), new StepSpec("B"));
            rig.Step(supervisor, 3);
            Assert.Equal(["old"], again.Unclaimed.Select(p => p.Id));
            Assert.Equal("RetiredWorker", again.Unclaimed.Single().WorkerType);
            Assert.Equal("{\"Reading\":42}", again.Unclaimed.Single().ObservedJson); // what was last known, with its time
            Assert.NotNull(again.Unclaimed.Single().CollectedAt);
            await rig.ShutDown(supervisor);
            Assert.True(rig.Logged("1 persisted record(s) were not resumed by this process (not added, or their worker type is not registered) and are kept: old (RetiredWorker)"));
        }

        Assert.Equal(1L, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers WHERE id = 'old' AND worker_type = 'RetiredWorker' AND state = 'B'"));
    }

    [Fact]
    public async Task The_restart_count_and_history_survive_a_restart_of_the_process()
    {
        using var rig = new Rig();
        using (SqliteWorkerStore store = rig.Open())
        {
            Supervisor supervisor = rig.Supervisor(store);
            supervisor.AddWorker("w", new StepWorker(), new StepSpec("B"));
            await rig.StepUntil(supervisor, "w", "B");
            Assert.True(supervisor.RestartWorker("w", "firmware swapped"));
            rig.Step(supervisor);
            Assert.Equal(1, supervisor.GetStatus("w")!.RestartCount);
            await rig.StepUntil(supervisor, "w", "B");
            await rig.ShutDown(supervisor);
        }

        using SqliteWorkerStore again = rig.Open();
        Supervisor resumed = rig.Supervisor(again);
        resumed.AddWorker("w", new StepWorker(), new StepSpec("B"));
        WorkerStatus status = resumed.GetStatus("w")!;
        Assert.Equal(1, status.RestartCount);
        Assert.Equal("operator: firmware swapped", Assert.Single(status.RestartHistory).Reason);
        Assert.Equal("B", status.State);
        await rig.ShutDown(resumed);
    }

    [Fact]
    public async Task Each_child_its_parent_still_wants_resumes_in_its_persisted_state_and_a_child_it_no_longer_wants_is_not_recreated()
    {
        using var rig = new Rig();
        using (SqliteWorkerStore store = rig.Open())
        {
            Supervisor supervisor = rig.Supervisor(store);
            supervisor.AddWorker("plant", new StepWorker(), new StepSpec("B", [Latch(true)]));
            await rig.StepUntil(supervisor, "plant/latch", "Latched");
            await rig.ShutDown(supervisor);
        }

        using SqliteWorkerStore again = rig.Open();
        Supervisor resumed = rig.Supervisor(again);
        resumed.AddWorker("plant", new StepWorker(), new StepSpec("B", [Latch(false)])); // a fresh child would stay Idle
        rig.Step(resumed, 3);
        Assert.Equal("Latched", resumed.GetStatus("plant/latch")!.State);
        Assert.Empty(again.Unclaimed);
        await rig.ShutDown(resumed);
    }

    [Fact]
    public async Task A_worker_that_leaves_while_the_supervisor_runs_is_deleted_but_a_graceful_shutdown_keeps_every_record()
    {
        using var rig = new Rig();
        using (SqliteWorkerStore store = rig.Open())
        {
            Supervisor supervisor = rig.Supervisor(store);
            supervisor.AddWorker("leaves", new StepWorker(), new StepSpec("B"));
            supervisor.AddWorker("stays", new StepWorker(), new StepSpec("B"));
            await rig.StepUntil(supervisor, "leaves", "B");
            await rig.StepUntil(supervisor, "stays", "B");
            Assert.True(store.Flush());
            Assert.True(supervisor.RemoveWorker("leaves"));
            rig.Step(supervisor, 3);
            Assert.Null(supervisor.GetStatus("leaves"));
            await rig.ShutDown(supervisor);
        }

        Assert.Equal(0L, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers WHERE id = 'leaves'"));
        Assert.Equal("B", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'stays'"));
    }

    [Fact]
    public async Task Faults_circuit_changes_escalations_and_the_last_action_results_are_kept_and_resumed()
    {
        using var rig = new Rig();
        var options = new SupervisorOptions
        {
            TickInterval = Rig.Options.TickInterval, CollectInterval = Rig.Options.CollectInterval, StaleAfter = Rig.Options.StaleAfter,
            FaultThreshold = 1, Circuit = new CircuitBreakerOptions { MaxAttempts = 1 },
        };
        using (SqliteWorkerStore store = rig.Open())
        {
            Supervisor supervisor = new(options, rig.Time, rig.Logger, store: store);
            int escalations = 0;
            supervisor.Escalated += (_, _) => Interlocked.Increment(ref escalations);
            supervisor.AddWorker("valve", new TroubleWorker(), new TroubleSpec());
            await rig.StepUntil(supervisor, "valve", "Broken");
            await Rig.WaitUntil(() => { rig.Step(supervisor); return Volatile.Read(ref escalations) > 0; });
            await rig.ShutDown(supervisor);
        }

        using SqliteWorkerStore again = rig.Open();
        Supervisor resumed = new(options, rig.Time, rig.Logger, store: again);
        resumed.AddWorker("valve", new TroubleWorker(), new TroubleSpec());
        IWorkerRecord record = again.Records.Single();
        Assert.Equal("Broken", record.StateName);
        SupervisionEvent fault = record.SupervisionHistory.First(e => e.Kind == SupervisionEventKind.Fault);
        Assert.Equal("state Broken threw InvalidOperationException: sensor bus down", fault.Detail);
        Assert.Equal(ErrorScope.Worker, fault.Scope);
        Assert.Contains(record.SupervisionHistory, e => e.Kind == SupervisionEventKind.CircuitOpened && e.Detail.Contains("sensor bus down", StringComparison.Ordinal));
        SupervisionEvent escalation = record.SupervisionHistory.Single(e => e.Kind == SupervisionEventKind.Escalation);
        Assert.Contains("1 attempt(s)", escalation.Detail, StringComparison.Ordinal);
        ActionResult poke = Assert.Single(record.RecentActions);
        Assert.Equal(("Poke", ActionOutcome.Failed, "InvalidOperationException: valve stuck"), (poke.Action, poke.Outcome, poke.Error?.Message));

        Assert.True(again.Flush(), again.LastError); // written again as kept: a third process would see the same
        Assert.Contains("valve stuck", (string)Sql.Scalar(rig.FilePath, "SELECT history_json FROM workers WHERE id = 'valve'")!, StringComparison.Ordinal);
        await rig.ShutDown(resumed);
    }

    [Fact]
    public async Task An_id_persisted_for_another_worker_type_is_refused_with_an_error_naming_the_id_both_types_and_the_file_and_its_row_is_kept()
    {
        using var rig = new Rig();
        await RunUntil(rig, "w", new StepSpec("B"), "B");

        using SqliteWorkerStore again = rig.Open();
        Supervisor supervisor = rig.Supervisor(again);
        var error = Assert.Throws<ArgumentException>(() => supervisor.AddWorker("w", new FlipWorker(), new FlipSpec()));
        Assert.StartsWith($"Worker id 'w' is persisted in SQLite store '{rig.FilePath}' as worker type {StepType}, not {FlipWorker.Definition.WorkerType}: the store keeps that record and does not overwrite it.", error.Message, StringComparison.Ordinal);
        Assert.Null(supervisor.GetStatus("w"));
        Assert.True(again.Flush());
        Assert.Equal(StepType, Sql.Scalar(rig.FilePath, "SELECT worker_type FROM workers WHERE id = 'w'"));
        await rig.ShutDown(supervisor);
    }

    // One process: the worker reaches the state, the supervisor shuts down gracefully, the store is closed.
    private static async Task RunUntil(Rig rig, string id, StepSpec spec, string state)
    {
        using SqliteWorkerStore store = rig.Open();
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker(id, new StepWorker(), spec);
        await rig.StepUntil(supervisor, id, state);
        await rig.ShutDown(supervisor);
    }
}
