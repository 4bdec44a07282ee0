using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Sqlite.Tests;

/// <summary>A database file in a fresh directory, and supervisors on a fake clock over stores opened on it.</summary>
internal sealed class Rig : IDisposable
{
    public static readonly SupervisorOptions Options = new()
    {
        TickInterval = TimeSpan.FromMilliseconds(100),
        CollectInterval = TimeSpan.FromSeconds(1),
        CollectTimeout = TimeSpan.FromSeconds(2),
        StaleAfter = TimeSpan.FromSeconds(5),
        ShutdownTimeout = TimeSpan.FromSeconds(10),
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("fsmv2-sqlite-").FullName;

    public Rig() => FilePath = Path.Combine(_directory, "fsmv2.db");

    public string FilePath { get; }

    public FakeTimeProvider Time { get; } = TestClock.Clock();

    public FakeLogger Logger { get; } = new();

    public bool Logged(string fragment) => Logger.Collector.GetSnapshot().Any(r => r.Message.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Opens the store on the rig's file, its writer on the fake clock (so only <see cref="SqliteWorkerStore.Flush"/> writes).</summary>
    public SqliteWorkerStore Open(TimeSpan? busyTimeout = null, int batchSize = 1000, Action<SqliteStoreOptions>? configure = null)
    {
        var options = new SqliteStoreOptions { Logger = Logger, TimeProvider = Time, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(1), BatchSize = batchSize };
        configure?.Invoke(options);
        return SqliteWorkerStore.Open(FilePath, options);
    }

    /// <summary>Waits, without sleeping, for what the store's writer does on its own thread; fails after a generous bound.</summary>
    public static async Task WaitUntil(Func<bool> condition, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
            if (bound.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"Still waiting for {what}");
            }

            await Task.Yield();
        }
    }

    public Supervisor Supervisor(IWorkerStore store) => new(Options, Time, Logger, store: store);

    /// <summary>Advances the clock by one tick interval and ticks, <paramref name="ticks"/> times.</summary>
    public void Step(Supervisor supervisor, int ticks = 1)
    {
        for (int i = 0; i < ticks; i++)
        {
            Time.Advance(Options.TickInterval);
            supervisor.Tick();
        }
    }

    /// <summary>
    /// Ticks until worker <paramref name="id"/> is in <paramref name="state"/> (its collector runs on the thread pool,
    /// so how many ticks that takes varies); fails after a generous bound.
    /// </summary>
    public async Task StepUntil(Supervisor supervisor, string id, string state)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (supervisor.GetStatus(id)?.State != state)
        {
            if (bound.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"{id} is still in {supervisor.GetStatus(id)?.State ?? "(none)"}, not {state}");
            }

            Step(supervisor);
            await Task.Yield();
        }
    }

    /// <summary>Shuts <paramref name="supervisor"/> down gracefully, advancing fake time until it has.</summary>
    public async Task ShutDown(Supervisor supervisor)
    {
        Task shutdown = supervisor.ShutdownAsync();
        for (int i = 0; i < 200 && !shutdown.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await shutdown;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
