using BenchmarkDotNet.Attributes;
using FsmV2.Benchmarks.Workers;
using FsmV2.Sqlite;
using FsmV2.TestKit;

namespace FsmV2.Benchmarks;

/// <summary>
/// What the SQLite store costs (issue 14), in one run:
/// <list type="bullet">
/// <item><see cref="InMemory"/> vs <see cref="Sqlite"/>: one <see cref="Supervisor.Tick"/> over 1,000
/// <see cref="BlinkWorker"/>s of which 100 transition on every tick, on the in-memory store (baseline) and on a
/// SQLite store whose background writer runs on the real clock (every second it writes the ~1,000 changed rows on
/// the same cores). Target: Ratio ≤ 1.10, 0 B allocated per tick.</item>
/// <item><see cref="PersistTransitions"/>: ten ticks (every worker transitions once: 1,000 transitions) and a
/// <see cref="SqliteWorkerStore.Flush"/> that commits them: transitions persisted per second = 1,000 / Mean.</item>
/// <item><see cref="Resume100k"/>: opening a file of 100,000 persisted workers and adding them all, each resumed in
/// its persisted state (one invocation per iteration; run it with <c>--job dry</c> or few iterations).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class PersistenceBenchmarks
{
    /// <summary>Workers under the supervisor for the tick benchmarks.</summary>
    public const int WorkerCount = 1_000;

    /// <summary>Persisted workers for <see cref="Resume100k"/>.</summary>
    public const int ResumeCount = 100_000;

    private readonly BlinkPhase _phase = new();
    private string _directory = null!;
    private SqliteWorkerStore? _store;
    private Supervisor _supervisor = null!;

    [GlobalSetup(Targets = [nameof(InMemory)])]
    public void SetupInMemory() => Setup(store: null);

    [GlobalSetup(Targets = [nameof(Sqlite)])]
    public void SetupSqlite() => Setup(Open("tick.db", TimeSpan.FromSeconds(1)));

    [GlobalSetup(Targets = [nameof(PersistTransitions)])]
    public void SetupPersist() => Setup(Open("persist.db", TimeSpan.FromHours(1))); // only the benchmark's Flush writes

    [GlobalCleanup(Targets = [nameof(InMemory), nameof(Sqlite), nameof(PersistTransitions)])]
    public void Cleanup()
    {
        _supervisor.ShutdownAsync().GetAwaiter().GetResult();
        _store?.Dispose();
        DeleteDirectory();
    }

    /// <summary>One tick on the in-memory store.</summary>
    [Benchmark(Baseline = true)]
    public void InMemory()
    {
        _phase.Value++;
        _supervisor.Tick();
    }

    /// <summary>One tick on the SQLite store, its writer running.</summary>
    [Benchmark]
    public void Sqlite()
    {
        _phase.Value++;
        _supervisor.Tick();
    }

    /// <summary>1,000 transitions (ten ticks) and the write that persists them.</summary>
    [Benchmark]
    public bool PersistTransitions()
    {
        for (int i = 0; i < 10; i++)
        {
            _phase.Value++;
            _supervisor.Tick();
        }

        return _store!.Flush() ? true : throw new InvalidOperationException(_store.LastError);
    }

    [GlobalSetup(Targets = [nameof(Resume100k)])]
    public void SetupResume()
    {
        _directory = Directory.CreateTempSubdirectory("fsmv2-bench-").FullName;
        using SqliteWorkerStore store = Open("resume.db", TimeSpan.FromHours(1));
        DateTimeOffset at = TestClock.Start;
        for (int i = 0; i < ResumeCount; i++)
        {
            store.Add(NewRecord(at, i));
        }

        if (!store.Flush())
        {
            throw new InvalidOperationException(store.LastError);
        }
    }

    [IterationCleanup(Targets = [nameof(Resume100k)])]
    public void CleanupResume()
    {
        _supervisor.ShutdownAsync().GetAwaiter().GetResult();
        _store!.Dispose();
    }

    [GlobalCleanup(Targets = [nameof(Resume100k)])]
    public void CleanupResumeFile() => DeleteDirectory();

    /// <summary>Opens 100,000 persisted workers and adds them, each resumed in its persisted state.</summary>
    [Benchmark]
    public int Resume100k()
    {
        _store = Open("resume.db", TimeSpan.FromHours(1));
        _supervisor = new Supervisor(new SupervisorOptions(), TestClock.Clock(), store: _store);
        for (int i = 0; i < ResumeCount; i++)
        {
            _supervisor.AddWorker($"blink-{i}", new BlinkWorker(_phase), new BlinkConfig(i % 10));
        }

        return _store.Unclaimed.Count == 0 && _supervisor.GetStatus("blink-0")?.State == "Off" ? ResumeCount
            : throw new InvalidOperationException("The workers did not resume in their persisted state Off.");
    }

    // A record as a worker that was in Off when the file was written.
    private static WorkerRecord<BlinkConfig, BlinkStatus> NewRecord(DateTimeOffset at, int i)
    {
        var record = new WorkerRecord<BlinkConfig, BlinkStatus>(new WorkerIdentity($"blink-{i}", BlinkWorker.Definition.WorkerType), new BlinkConfig(i % 10), at);
        record.SetState("Off", at);
        return record;
    }

    private SqliteWorkerStore Open(string file, TimeSpan flushInterval)
    {
        _directory ??= Directory.CreateTempSubdirectory("fsmv2-bench-").FullName;
        return SqliteWorkerStore.Open(Path.Combine(_directory, file), new SqliteStoreOptions { FlushInterval = flushInterval, MaxRetryDelay = flushInterval });
    }

    private void Setup(SqliteWorkerStore? store)
    {
        _store = store;
        _supervisor = new Supervisor(new SupervisorOptions(), TestClock.Clock(), store: store);
        for (int i = 0; i < WorkerCount; i++)
        {
            _supervisor.AddWorker($"blink-{i}", new BlinkWorker(_phase), new BlinkConfig(i % 10));
        }

        for (int i = 0; i < 20; i++)
        {
            _phase.Value++;
            _supervisor.Tick();
        }

        int on = _supervisor.GetStatus().Count(s => s.State == "On");
        _phase.Value++;
        _supervisor.Tick();
        if (Math.Abs(_supervisor.GetStatus().Count(s => s.State == "On") - on) != WorkerCount / 10)
        {
            throw new InvalidOperationException($"Expected {WorkerCount / 10} workers to switch on a tick.");
        }

        if (store is not null && !store.Flush())
        {
            throw new InvalidOperationException(store.LastError);
        }
    }

    private void DeleteDirectory()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
