using FsmV2.Tests.Workers;
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

    /// <summary>The default options with exponential backoff 1 s, 2 s, 4 s … and no jitter, so retry times and downtimes are exact.</summary>
    public static SupervisorOptions ExactBackoff(Action<SupervisorOptions>? configure = null)
    {
        SupervisorOptions options = DefaultOptions.Clone();
        options.Circuit.Backoff.Jitter = JitterMode.None;
        options.Circuit.Backoff.InitialDelay = TimeSpan.FromSeconds(1);
        options.Circuit.Backoff.Multiplier = 2;
        configure?.Invoke(options);
        return options;
    }

    public Harness(SupervisorOptions? options = null, ActionPool? pool = null)
    {
        Pool = pool ?? new ActionPool(maxConcurrency: 4, queueLength: 100);
        Supervisor = new Supervisor(options ?? DefaultOptions, Time, Logger, Pool, Meters);
    }

    public TestMeterFactory Meters { get; } = new();

    public FakeTimeProvider Time { get; } = TestClock.Clock();

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

    /// <summary>
    /// Adds a probe that runs <c>Work</c> on its first tick and waits in it until cancelled; <paramref name="started"/>
    /// completes once the action is running (its timeout counts from then).
    /// </summary>
    public WorkerHandle<ProbeSpec, ProbeObservation> AddWorkerWithEndlessAction(string id, out Task started)
    {
        var running = new TaskCompletionSource();
        started = running.Task;
        return Supervisor.AddWorker(id, new ProbeWorker(new ProbeSensor(ProbeCommand.Work), ct =>
        {
            running.TrySetResult();
            return Task.Delay(Timeout.Infinite, ct);
        }), new ProbeSpec());
    }

    /// <summary>
    /// Waits, without sleeping, for something another thread does; fails (rather than hangs) if it has not happened
    /// after a generous bound.
    /// </summary>
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

    public async ValueTask DisposeAsync()
    {
        await ShutDown(Supervisor);
        Meters.Dispose();
    }

    /// <summary>Shuts <paramref name="supervisor"/> (on this harness's clock) down, advancing fake time past its deadline.</summary>
    public async Task ShutDown(Supervisor supervisor)
    {
        Task shutdown = supervisor.ShutdownAsync();
        for (int i = 0; i < 200 && !shutdown.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await shutdown;
    }
}
