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
        Assert.Equal(1L, Sql.Scalar(rig.FilePath, "SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task A_restarted_process_resumes_a_root_in_its_persisted_state_by_name_before_its_first_tick()
    {
        using var rig = new Rig();
        await RunUntil(rig, "w", new StepSpec("C"), "C");

        using SqliteWorkerStore again = rig.Open();
        Supervisor supervisor = rig.Supervisor(again);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));

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
