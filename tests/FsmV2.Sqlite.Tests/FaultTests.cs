using FsmV2.Sqlite.Tests.Workers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace FsmV2.Sqlite.Tests;

/// <summary>A failing database is named with its file and operation; the supervisor goes on in memory; the writes catch up.</summary>
public class FaultTests
{
    [Fact]
    public async Task A_locked_database_is_named_in_the_error_the_supervisor_keeps_running_and_the_writes_catch_up_once_it_is_free()
    {
        using var rig = new Rig();
        using SqliteWorkerStore store = rig.Open(busyTimeout: TimeSpan.FromSeconds(1)) /* SQLite's shortest wait for a lock */;
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));

        using (SqliteConnection other = Sql.Connect(rig.FilePath))
        {
            using SqliteCommand lockIt = other.CreateCommand();
            lockIt.CommandText = "BEGIN EXCLUSIVE;";
            lockIt.ExecuteNonQuery();

            await rig.StepUntil(supervisor, "w", "C");
            Assert.False(store.Flush());
            Assert.Contains($"SQLite store '{rig.FilePath}': write changed workers failed", store.LastError, StringComparison.Ordinal);
            Assert.Contains("locked", store.LastError, StringComparison.Ordinal);
            Assert.True(rig.Logged($"SQLite store {rig.FilePath}: write changed workers failed"));
            Assert.Equal("C", supervisor.GetStatus("w")!.State); // the supervisor went on
            Assert.Equal(1, store.PendingWrites);
            Assert.Equal(1, store.FailedAttempts);
        }

        Assert.True(store.Flush(), store.LastError);
        Assert.Null(store.LastError);
        Assert.Equal(0, store.PendingWrites);
        Assert.True(rig.Logged($"SQLite store {rig.FilePath} recovered after 1 failed attempt(s)"));
        Assert.Equal("C", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'w'"));
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task A_read_only_database_is_named_retried_with_a_doubling_delay_shown_in_the_totals_and_the_metric_and_the_writes_catch_up()
    {
        using var rig = new Rig();
        bool readOnly = true; // the file as an operator mounted it read-only (root ignores chmod: the connection is made query-only)
        using SqliteWorkerStore store = rig.Open(configure: o => o.OnConnected = c => SqliteSchema.Execute(c, $"PRAGMA query_only = {(Volatile.Read(ref readOnly) ? "ON" : "OFF")}"));
        using var meters = new TestMeterFactory();
        using var pending = new MetricCollector<int>(meters, FsmV2Telemetry.Name, FsmV2Telemetry.Instruments.StorePendingWrites);
        var supervisor = new Supervisor(Rig.Options, rig.Time, rig.Logger, meterFactory: meters, store: store);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
        await rig.StepUntil(supervisor, "w", "C"); // the supervisor runs on in memory

        Assert.False(store.Flush());
        StoreStatus status = supervisor.GetTotals().Store!;
        Assert.Equal($"SQLite {rig.FilePath}", status.Name);
        Assert.False(status.IsHealthy);
        Assert.StartsWith($"SQLite store '{rig.FilePath}': write changed workers failed", status.LastError, StringComparison.Ordinal);
        Assert.Contains("readonly", status.LastError, StringComparison.Ordinal);
        Assert.Equal((1L, 1), (status.FailedAttempts, status.PendingWrites));
        Assert.Equal(rig.Time.GetUtcNow() + TimeSpan.FromSeconds(1), status.NextAttemptAt);
        Assert.True(rig.Logged($"SQLite store {rig.FilePath}: write changed workers failed"));
        pending.RecordObservableInstruments();
        Assert.Equal(1, pending.LastMeasurement!.Value);

        Assert.False(store.Flush());
        Assert.Equal(rig.Time.GetUtcNow() + TimeSpan.FromSeconds(2), store.Status.NextAttemptAt); // the delay doubles

        Volatile.Write(ref readOnly, false); // the operator remounts it writable: the writer catches up on its own
        rig.Time.Advance(TimeSpan.FromSeconds(2));
        await Rig.WaitUntil(() => store.Status.IsHealthy);
        Assert.Equal((0, (DateTimeOffset?)null), (store.Status.PendingWrites, store.Status.NextAttemptAt));
        Assert.Equal("C", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'w'"));
        Assert.True(rig.Logged($"SQLite store {rig.FilePath} recovered after 2 failed attempt(s)"));
        pending.RecordObservableInstruments();
        Assert.Equal(0, pending.LastMeasurement!.Value);
        Assert.Null(new Supervisor().GetTotals().Store); // the in-memory store has no store status
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task A_full_database_is_named_the_removals_and_changes_made_meanwhile_are_kept_in_order_and_written_once_there_is_room()
    {
        using var rig = new Rig();
        using (SqliteWorkerStore first = rig.Open())
        {
            Supervisor before = rig.Supervisor(first);
            before.AddWorker("leaves", new StepWorker(), new StepSpec("B"));
            await rig.StepUntil(before, "leaves", "B");
            await rig.ShutDown(before);
        }

        bool full = true; // a size limit at the file's current size: no page can be added
        using SqliteWorkerStore store = rig.Open(configure: o => o.OnConnected = c =>
        {
            long pages = (long)new SqliteCommand("PRAGMA page_count", c).ExecuteScalar()!;
            SqliteSchema.Execute(c, $"PRAGMA max_page_count = {(Volatile.Read(ref full) ? pages : 1_000_000)}");
        });
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker("leaves", new StepWorker(), new StepSpec("B"));
        for (int i = 0; i < 200; i++)
        {
            supervisor.AddWorker($"new-{i:D3}", new StepWorker(), new StepSpec("C"));
        }

        Assert.True(supervisor.RemoveWorker("leaves"));
        await rig.StepUntil(supervisor, "new-199", "C");
        await Rig.WaitUntil(() => { rig.Step(supervisor); return supervisor.GetStatus("leaves") is null; });
        Assert.False(store.Flush());
        Assert.StartsWith($"SQLite store '{rig.FilePath}': write changed workers failed", store.LastError, StringComparison.Ordinal);
        Assert.Contains("full", store.LastError, StringComparison.Ordinal);
        Assert.Equal(200, store.PendingWrites);

        Volatile.Write(ref full, false); // room again (the next connection has no limit)
        Assert.True(store.Flush(), store.LastError);
        Assert.Equal(0L, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers WHERE id = 'leaves'"));
        Assert.Equal(200L, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers WHERE state = 'C'"));
        Assert.Equal(0, store.PendingWrites);
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task A_corrupt_file_is_named_in_the_error_the_supervisor_runs_in_memory_and_a_repaired_file_catches_up()
    {
        using var rig = new Rig();
        await File.WriteAllTextAsync(rig.FilePath, string.Concat(Enumerable.Repeat("this is not a database. ", 200)), TestContext.Current.CancellationToken);

        using SqliteWorkerStore store = rig.Open();
        Assert.Contains($"SQLite store '{rig.FilePath}': open failed", store.LastError, StringComparison.Ordinal);
        Assert.Contains("not a database", store.LastError, StringComparison.Ordinal);
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
        await rig.StepUntil(supervisor, "w", "C");
        Assert.False(store.Flush());

        File.Delete(rig.FilePath); // the operator moves the corrupt file away
        Assert.True(store.Flush(), store.LastError);
        Assert.Equal("C", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'w'"));
        Assert.Equal("ok", Sql.Scalar(rig.FilePath, "PRAGMA integrity_check"));
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public void A_file_with_a_newer_schema_fails_to_open_with_a_message_naming_the_file_and_both_versions()
    {
        using var rig = new Rig();
        rig.Open().Dispose();
        Sql.Execute(rig.FilePath, "INSERT INTO schema_version(version) VALUES (99)");

        var error = Assert.Throws<InvalidOperationException>(() => rig.Open());
        Assert.Equal($"SQLite store '{rig.FilePath}' has schema version 99, newer than this FsmV2.Toolkit.Sqlite knows (up to 2): open it with a newer version of the library.", error.Message);
    }

    [Fact]
    public async Task A_file_of_schema_version_1_is_migrated_forward_and_its_workers_resume()
    {
        using var rig = new Rig();
        Sql.Execute(rig.FilePath, """
            CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version(version) VALUES (1);
            CREATE TABLE workers(id TEXT PRIMARY KEY NOT NULL, worker_type TEXT NOT NULL, parent TEXT, desired_json TEXT,
                desired_version INTEGER NOT NULL, desired_at TEXT NOT NULL, state TEXT NOT NULL, state_since TEXT NOT NULL,
                restart_count INTEGER NOT NULL, restart_history TEXT NOT NULL, observed_json TEXT, collected_at TEXT, written_at TEXT NOT NULL);
            INSERT INTO workers VALUES ('w', '{StepWorker.Definition.WorkerType}', NULL, NULL, 1, '2026-01-01T00:00:00.0000000+00:00', 'C',
                '2026-01-01T00:00:00.0000000+00:00', 2, '[]', NULL, NULL, '2026-01-01T00:00:00.0000000+00:00');
            """.Replace("{StepWorker.Definition.WorkerType}", StepWorker.Definition.WorkerType, StringComparison.Ordinal));

        using SqliteWorkerStore store = rig.Open();
        Assert.Null(store.LastError);
        Assert.Equal(2L, Sql.Scalar(rig.FilePath, "SELECT MAX(version) FROM schema_version"));
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
        Assert.Equal(("C", 2), (supervisor.GetStatus("w")!.State, supervisor.GetStatus("w")!.RestartCount));
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public void Options_out_of_range_are_rejected_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SqliteWorkerStore.Open("x.db", new SqliteStoreOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => SqliteWorkerStore.Open("x.db", new SqliteStoreOptions { FlushInterval = TimeSpan.Zero }));
        Assert.Equal("FlushInterval", error.ParamName);
        error = Assert.Throws<ArgumentOutOfRangeException>(() => SqliteWorkerStore.Open("x.db", new SqliteStoreOptions { BusyTimeout = TimeSpan.Zero }));
        Assert.Equal("BusyTimeout", error.ParamName);
    }

    [Fact]
    public async Task A_tick_that_transitions_every_worker_allocates_nothing_with_the_sqlite_store_and_a_flush_writes_them_in_batches()
    {
        using var rig = new Rig();
        using SqliteWorkerStore store = rig.Open(batchSize: 64);
        Supervisor supervisor = new(Rig.Options, rig.Time, logger: null, store: store);
        for (int i = 0; i < 1_000; i++)
        {
            supervisor.AddWorker($"flip-{i}", new FlipWorker(), new FlipSpec());
        }

        supervisor.Tick();
        supervisor.Tick();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            supervisor.Tick();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(store.Flush(), store.LastError);
        Assert.Equal(1_000L, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers"));
        Assert.Equal(1_000L, store.WrittenRecords);
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task The_background_writer_commits_on_its_own_every_flush_interval_and_disposing_the_store_writes_what_is_pending()
    {
        using var rig = new Rig();
        using (SqliteWorkerStore store = rig.Open())
        {
            Supervisor supervisor = rig.Supervisor(store);
            supervisor.AddWorker("w", new StepWorker(), new StepSpec("B"));
            Assert.Equal(0L, Sql.Scalar(rig.FilePath, "SELECT COUNT(*) FROM workers")); // the clock has not moved: no flush yet
            await rig.StepUntil(supervisor, "w", "B");

            // The writer re-arms its interval when a flush ends, on a pool thread: a flush begun during the steps may
            // re-arm after any single advance, so the clock moves one more interval each time the file is not there yet.
            await Rig.WaitUntil(() =>
            {
                rig.Time.Advance(TimeSpan.FromSeconds(1));
                return Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'w'") as string == "B";
            });

            supervisor.AddWorker("late", new StepWorker(), new StepSpec("A"));
        } // disposed without a flush or a shutdown

        Assert.Equal("A", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'late'"));
    }
}
