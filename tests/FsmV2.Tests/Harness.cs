using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests;

/// <summary>A supervisor on a fake clock with a captured log and a private action pool.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public static readonly SupervisorOptions DefaultOptions = new()
    {
        TickInterval = TimeSpan.FromMilliseconds(100),
        CollectInterval = TimeSpan.FromSeconds(1),
        CollectTimeout = TimeSpan.FromSeconds(2),
        StaleAfter = TimeSpan.FromSeconds(5),
        DefaultActionTimeout = TimeSpan.FromSeconds(10),
        ShutdownTimeout = TimeSpan.FromSeconds(10),
    };

    public Harness(SupervisorOptions? options = null, ActionPool? pool = null)
    {
        Pool = pool ?? new ActionPool(maxConcurrency: 4, queueLength: 100);
        Supervisor = new Supervisor(options ?? DefaultOptions, Time, Logger, Pool, Meters);
    }

    public TestMeterFactory Meters { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeLogger Logger { get; } = new();

    public ActionPool Pool { get; }

    public Supervisor Supervisor { get; }

    public IReadOnlyList<FakeLogRecord> Logs => Logger.Collector.GetSnapshot();

    public bool Logged(string fragment) => Logs.Any(r => r.Message.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Advances the clock by one tick interval and ticks.</summary>
    public void Step(int ticks = 1)
    {
        for (int i = 0; i < ticks; i++)
        {
            Time.Advance(Harness.DefaultOptions.TickInterval);
            Supervisor.Tick();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task shutdown = Supervisor.ShutdownAsync();
        for (int i = 0; i < 200 && !shutdown.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await shutdown;
        Meters.Dispose();
    }
}
