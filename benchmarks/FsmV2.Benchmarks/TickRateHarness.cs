using System.Diagnostics;
using System.Globalization;
using FsmV2.Benchmarks.Workers;

namespace FsmV2.Benchmarks;

/// <summary>
/// Not a BenchmarkDotNet benchmark (it measures a rate under load, not the cost of a call): <c>tick-rate</c> runs a
/// real <see cref="Supervisor"/> with <see cref="Supervisor.RunAsync"/> on the real clock, <see cref="TickInterval"/>
/// 10 ms and <see cref="WorkerCount"/> <see cref="BusyWorker"/>s whose action runs on every decision, twice: with no
/// action blocking (nominal), then with one action in <see cref="BlockEvery"/> blocking its pool thread for
/// <see cref="BlockFor"/>. It reports, per run, the ticks per second, the longest gap between two ticks, the
/// actions run, and the same gap for a probe timer of <see cref="TimeProvider.System"/> (whose callbacks run on
/// the thread pool, as the collectors' timers do); then the blocking/nominal ratio of the tick rate.
/// </summary>
internal static class TickRateHarness
{
    public const int WorkerCount = 1_000;
    public const int BlockEvery = 100;
    public static readonly TimeSpan BlockFor = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>Runs both scenarios; the optional argument is how many seconds each is measured (default 5).</summary>
    public static int Run(string[] args)
    {
        TimeSpan measured = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5);
        Console.WriteLine($"tick-rate: {WorkerCount} BusyWorkers, TickInterval {TickInterval.TotalMilliseconds} ms, action pool {Environment.ProcessorCount * 8} concurrent (8 x {Environment.ProcessorCount} cores), {measured.TotalSeconds} s measured after {WarmUp.TotalSeconds} s warm-up");
        Result nominal = Measure("nominal", new BusyLoad(0, BlockFor), measured);
        Result blocking = Measure($"blocking (1 in {BlockEvery} sleeps {BlockFor.TotalMilliseconds} ms)", new BusyLoad(BlockEvery, BlockFor), measured);
        Console.WriteLine();
        Console.WriteLine("| run | ticks/s | longest tick gap | actions/s | blocked actions | probe timer: longest gap | pool threads at end | GCs, total pause |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        nominal.Print();
        blocking.Print();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio blocking/nominal, ticks/s: {blocking.TicksPerSecond / nominal.TicksPerSecond:0.00} (target >= 0.90)"));
        return 0;
    }

    private static Result Measure(string name, BusyLoad load, TimeSpan measured)
    {
        var options = new SupervisorOptions { TickInterval = TickInterval, ShutdownTimeout = TimeSpan.FromSeconds(10) };
        var pool = new ActionPool(Environment.ProcessorCount * 8, 10_000); // the bounds of ActionPool.Shared, fresh per run
        var supervisor = new Supervisor(options, actionPool: pool);
        for (int i = 0; i < WorkerCount; i++)
        {
            supervisor.AddWorker($"busy-{i}", new BusyWorker(load), new BusyConfig(i));
        }

        using var stop = new CancellationTokenSource();
        using var probe = new GapProbe();
        Task run = supervisor.RunAsync(stop.Token);
        Thread.Sleep(WarmUp); // this is the process's main thread, not a pool thread

        probe.Reset();
        long ticks = supervisor.TickCount;
        long actions = load.Actions;
        long blocked = load.Blocked;
        int collections = GC.CollectionCount(0);
        TimeSpan paused = GC.GetTotalPauseDuration();
        TimeSpan longestGap = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        TimeSpan lastChange = TimeSpan.Zero;
        long seen = ticks;
        while (clock.Elapsed < measured)
        {
            Thread.Sleep(1); // sampling TickCount every millisecond or so: the gaps are as precise as that
            long now = supervisor.TickCount;
            if (now != seen)
            {
                TimeSpan at = clock.Elapsed;
                longestGap = TimeSpan.FromTicks(Math.Max(longestGap.Ticks, (at - lastChange).Ticks));
                lastChange = at;
                seen = now;
            }
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        var result = new Result(
            name,
            (supervisor.TickCount - ticks) / elapsed,
            TimeSpan.FromTicks(Math.Max(longestGap.Ticks, (clock.Elapsed - lastChange).Ticks)),
            (load.Actions - actions) / elapsed,
            load.Blocked - blocked,
            probe.LongestGap,
            ThreadPool.ThreadCount,
            GC.CollectionCount(0) - collections,
            GC.GetTotalPauseDuration() - paused);
        stop.Cancel();
        run.GetAwaiter().GetResult();
        return result;
    }

    private sealed record Result(string Name, double TicksPerSecond, TimeSpan LongestGap, double ActionsPerSecond, long Blocked, TimeSpan ProbeLongestGap, int PoolThreads, int Collections, TimeSpan GcPauses)
    {
        public void Print() => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {TicksPerSecond:0.0} | {LongestGap.TotalMilliseconds:0} ms | {ActionsPerSecond:0} | {Blocked} | {ProbeLongestGap.TotalMilliseconds:0} ms | {PoolThreads} | {Collections}, {GcPauses.TotalMilliseconds:0} ms |"));
    }

    /// <summary>A 10 ms periodic timer of <see cref="TimeProvider.System"/> that records the longest gap between its callbacks.</summary>
    private sealed class GapProbe : IDisposable
    {
        private readonly ITimer _timer;
        private long _last;
        private long _longest;

        public GapProbe()
        {
            _last = Stopwatch.GetTimestamp();
            _timer = TimeProvider.System.CreateTimer(static s => ((GapProbe)s!).Fired(), this, TickInterval, TickInterval);
        }

        public TimeSpan LongestGap => TimeSpan.FromTicks(Math.Max(Interlocked.Read(ref _longest), Stopwatch.GetElapsedTime(Interlocked.Read(ref _last)).Ticks));

        public void Reset()
        {
            Interlocked.Exchange(ref _last, Stopwatch.GetTimestamp());
            Interlocked.Exchange(ref _longest, 0);
        }

        public void Dispose() => _timer.Dispose();

        private void Fired()
        {
            long now = Stopwatch.GetTimestamp();
            long gap = Stopwatch.GetElapsedTime(Interlocked.Exchange(ref _last, now), now).Ticks;
            if (gap > Interlocked.Read(ref _longest))
            {
                Interlocked.Exchange(ref _longest, gap);
            }
        }
    }
}
