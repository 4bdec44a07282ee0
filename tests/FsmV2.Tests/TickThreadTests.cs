using System.Collections.Concurrent;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests;

/// <summary>
/// <see cref="Supervisor.RunAsync"/>'s loop: on the real clock a dedicated thread (observed from inside a tick, through
/// the transition log), on a fake clock its timer; a tick that throws is logged and ticking goes on; and the real
/// clock's schedule (<see cref="TickThread.Run"/>) driven by a fake clock.
/// </summary>
public class TickThreadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30); // fails instead of hanging; never a measurement

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task On_the_system_clock_RunAsync_ticks_on_a_dedicated_thread_not_on_the_thread_pool_and_a_tick_that_throws_does_not_stop_it()
    {
        var logger = new TickLogger { ThrowOnTransitions = 1 }; // the first tick's transition log throws out of the tick
        await using var supervisor = new Supervisor(new SupervisorOptions { TickInterval = TimeSpan.FromMilliseconds(10) }, TimeProvider.System, logger, new ActionPool(2, 10));
        WorkerHandle<ToggleSpec, ToggleStatus> toggle = supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        using var stop = new CancellationTokenSource();
        Task run = supervisor.RunAsync(stop.Token);

        TickLogger.Entry transition = await logger.Logged("Transition").WaitAsync(Bound, Ct); // a later tick's, after the failed one
        Assert.False(transition.OnThreadPool);
        Assert.Equal("FsmV2 tick", transition.ThreadName);
        TickLogger.Entry failed = Assert.Single(logger.Entries, e => e.EventName == "TickFailed");
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal("Worker toggle (ToggleWorker): its tick threw (the log sink is down); counted as a fault of this worker, the supervisor and the other workers go on", failed.Message);
        Assert.Equal("FsmV2 tick", failed.ThreadName);
        await Assert.ThrowsAsync<InvalidOperationException>(() => supervisor.RunAsync(Ct)); // already running

        await stop.CancelAsync();
        await run.WaitAsync(Bound, Ct);
        Assert.True(toggle.IsRemoved);
        Assert.True(supervisor.IsShuttingDown);
    }

    [Fact]
    public async Task On_a_fake_clock_a_worker_tick_that_throws_is_logged_and_the_next_interval_ticks_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var logger = new TickLogger { ThrowOnTransitions = 2 };
        await using var supervisor = new Supervisor(Harness.DefaultOptions, time, logger, new ActionPool(2, 10));
        supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        using var stop = new CancellationTokenSource();
        Task run = supervisor.RunAsync(stop.Token);

        time.Advance(TimeSpan.FromMilliseconds(100)); // the tick runs inline; the worker's tick throws
        time.Advance(TimeSpan.FromMilliseconds(100)); // and again
        Assert.Equal(2, logger.Entries.Count(e => e.EventName == "TickFailed"));
        Assert.False(run.IsCompleted);
        Assert.Equal(2, supervisor.TickCount); // contained in the worker: the supervisor's ticks completed

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, supervisor.TickCount);
        Assert.Single(logger.Entries, e => e.EventName == "Transition"); // the two that threw were not recorded

        await stop.CancelAsync();
        await run.WaitAsync(Bound, Ct);
        Assert.Equal(0, supervisor.Count);
    }

    [Fact]
    public async Task A_logger_that_throws_on_every_event_fails_the_ticks_but_does_not_end_RunAsync()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var logger = new TickLogger { ThrowOnTransitions = 0 };
        await using var supervisor = new Supervisor(Harness.DefaultOptions, time, logger, new ActionPool(2, 10));
        supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        using var stop = new CancellationTokenSource();
        Task run = supervisor.RunAsync(stop.Token);

        logger.ThrowAll = true; // the transition log throws out of the tick, and so does logging TickFailed
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(run.IsCompleted);
        Assert.Equal(0, supervisor.TickCount);

        logger.ThrowAll = false;
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, supervisor.TickCount);
        await stop.CancelAsync();
        await run.WaitAsync(Bound, Ct);
    }

    [Fact]
    public void The_real_clock_schedule_keeps_to_multiples_of_the_interval_runs_a_late_tick_once_and_skips_the_missed_ones()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        DateTimeOffset start = time.GetUtcNow();
        List<double> ticks = [];
        List<double> waits = [];
        TickThread.Run(time, TimeSpan.FromMilliseconds(100), () =>
        {
            ticks.Add((time.GetUtcNow() - start).TotalMilliseconds);
            if (ticks.Count == 2)
            {
                time.Advance(TimeSpan.FromMilliseconds(250)); // a slow tick: from 200 ms to 450 ms
            }
        }, delay =>
        {
            waits.Add(delay.TotalMilliseconds);
            if (ticks.Count == 5)
            {
                return true; // stop
            }

            time.Advance(waits.Count == 1 ? TimeSpan.FromMilliseconds(60) : delay); // the first wait wakes early
            return false;
        });

        Assert.Equal([100, 200, 450, 500, 600], ticks); // 300 and 400 skipped; back on the 100 ms grid at 500
        Assert.Equal([100, 40, 100, 0, 50, 100, 100], waits);
    }

    [Fact]
    public void The_real_clock_schedule_stops_between_ticks_that_are_already_due()
    {
        var time = new FakeTimeProvider();
        int ticks = 0;
        TickThread.Run(time, TimeSpan.FromMilliseconds(100), () =>
        {
            ticks++;
            time.Advance(TimeSpan.FromSeconds(1)); // every tick overruns: the next is always due at once
        }, delay =>
        {
            if (ticks == 0)
            {
                time.Advance(delay);
            }

            return ticks == 3;
        });

        Assert.Equal(3, ticks);
    }

    /// <summary>Records every entry with the thread it was logged on; throws from the first transition logs, or from all while <see cref="ThrowAll"/>.</summary>
    private sealed class TickLogger : ILogger
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<Entry>> _first = new();
        private int _throwOnTransitions;

        public required int ThrowOnTransitions
        {
            init => _throwOnTransitions = value;
        }

        /// <summary>Every entry throws while set.</summary>
        public volatile bool ThrowAll;

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public Task<Entry> Logged(string eventName) => First(eventName).Task;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (ThrowAll || (eventId.Name == "Transition" && Interlocked.Decrement(ref _throwOnTransitions) >= 0))
            {
                throw new InvalidOperationException("the log sink is down");
            }

            var entry = new Entry(eventId.Name, logLevel, formatter(state, exception), Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name);
            Entries.Enqueue(entry);
            First(eventId.Name ?? "").TrySetResult(entry);
        }

        private TaskCompletionSource<Entry> First(string eventName) =>
            _first.GetOrAdd(eventName, static _ => new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously));

        public sealed record Entry(string? EventName, LogLevel Level, string Message, bool OnThreadPool, string? ThreadName);
    }
}
