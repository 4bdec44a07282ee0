using System.Diagnostics;
using System.Globalization;
using FsmV2.Benchmarks.Workers;

namespace FsmV2.Benchmarks;

/// <summary>
/// <c>scale actions</c>: a worker's no-op action end to end (the tick decides <c>Do</c>, the action is enqueued in the
/// <see cref="ActionPool"/>, runs, its completion is recorded, a collection follows, and the next tick decides again),
/// beside <see cref="Task.Run(Action)"/> of the same work, in the same process: <see cref="Workers"/>
/// <see cref="BusyWorker"/>s under a <see cref="Supervisor"/> ticked back to back on this thread for
/// <see cref="Window"/>, then as many independent chains of <c>await Task.Run(work)</c>. Reports actions per second
/// and bytes allocated per action (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, every thread) for both, and the share
/// of the window the process spent paused for garbage collections (<see cref="GC.GetTotalPauseDuration"/>): with the
/// tick thread and the pool both stopped in a pause, it bounds the throughput directly.
/// </summary>
internal static class ActionThroughputHarness
{
    public const int Workers = 1_000;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    /// <summary>The action pool's concurrency: <see cref="ActionPool.Shared"/>'s (8 per processor) unless <c>FSMV2_ACTIONS_CONCURRENCY</c> sets it.</summary>
    private static readonly int Concurrency =
        int.TryParse(Environment.GetEnvironmentVariable("FSMV2_ACTIONS_CONCURRENCY"), CultureInfo.InvariantCulture, out int n) && n > 0 ? n : Environment.ProcessorCount * 8;

    /// <summary><c>FSMV2_ACTIONS_SIDES</c>: <c>fsm</c> or <c>task-run</c> measures one side only (to trace it); both by default.</summary>
    private static readonly string Sides = Environment.GetEnvironmentVariable("FSMV2_ACTIONS_SIDES") ?? "both";

    public static string Run()
    {
        (double fsm, double fsmBytes, double fsmPaused, Ticking ticking) = Sides == "task-run" ? default : Supervised();
        (double run, double runBytes, double runPaused, double runCores) = Sides == "fsm" ? default : TaskRun();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Workers:N0} workers' no-op actions, pool of {Concurrency} | {fsm:N0}/s, {fsmBytes:0} B/action, {fsmPaused:0} % in GC pauses; {ticking.PerSecond:N0} ticks/s, {ticking.ActionsPerTick:0.0} actions per tick, the pool {ticking.Running:0.0} running and {ticking.Queued:0.0} queued on average; {ticking.Cores:0.00} cores busy ({ticking.TickCores:0.00} the tick's loop), {ticking.PoolNanos:0} ns of the other threads' CPU per action | Task.Run {run:N0}/s, {runBytes:0} B/action, {runPaused:0} % in GC pauses, {runCores:0.00} cores busy, {runCores * 1e9 / run:0} ns CPU per action | {fsm / run:0.00}× the throughput, {fsmBytes / runBytes:0.0}× the bytes |");
    }

    private static (double PerSecond, double Bytes, double PausedPercent, Ticking Ticking) Supervised()
    {
        var load = new BusyLoad(0, TimeSpan.Zero);
        var pool = new ActionPool(Concurrency, 10_000);
        var supervisor = new Supervisor(new SupervisorOptions { StaleAfter = TimeSpan.FromHours(1) }, actionPool: pool);
        for (int i = 0; i < Workers; i++)
        {
            supervisor.AddWorker($"busy-{i}", new BusyWorker(load), new BusyConfig(i));
        }

        TickFor(supervisor, pool, TimeSpan.FromSeconds(1)); // warm-up
        long actions = load.Actions;
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan paused = GC.GetTotalPauseDuration();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long tickCpu = ThreadCpuNanos();
        (double seconds, Ticking ticking) = TickFor(supervisor, pool, Window);
        long done = load.Actions - actions;
        double tickSeconds = tickCpu < 0 ? seconds : (ThreadCpuNanos() - tickCpu) / 1e9; // without the counter, a full core
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        ticking = ticking with
        {
            ActionsPerTick = done / (ticking.PerSecond * seconds),
            Cores = cpuSeconds / seconds,
            TickCores = tickSeconds / seconds,
            PoolNanos = Math.Max(0, cpuSeconds - tickSeconds) * 1e9 / done,
        };
        double perAction = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)done;
        double pausedPercent = (GC.GetTotalPauseDuration() - paused).TotalSeconds / seconds * 100;
        supervisor.ShutdownAsync().GetAwaiter().GetResult();
        return (done / seconds, perAction, pausedPercent, ticking);
    }

    // Also samples the pool after every tick: how many actions run and wait, on average.
    private static (double Seconds, Ticking Ticking) TickFor(Supervisor supervisor, ActionPool pool, TimeSpan window)
    {
        var watch = Stopwatch.StartNew();
        long ticks = 0;
        long running = 0;
        long queued = 0;
        while (watch.Elapsed < window)
        {
            supervisor.Tick();
            ticks++;
            running += pool.Running;
            queued += pool.Queued;
        }

        double seconds = watch.Elapsed.TotalSeconds;
        return (seconds, new Ticking(ticks / seconds, 0, running / (double)ticks, queued / (double)ticks, 0, 0));
    }

    // Cores: the process's CPU time over the window per second of it; TickCores: the tick thread's; PoolNanos: the rest
    // (the pool's threads, the timers, the GC) per action: the action path's cost off the tick, spinning included.
    private readonly record struct Ticking(double PerSecond, double ActionsPerTick, double Running, double Queued, double Cores, double PoolNanos)
    {
        public double TickCores { get; init; }
    }

    // The calling thread's CPU time in ns (Linux: /proc/thread-self/schedstat), or -1 where it cannot be read.
    private static long ThreadCpuNanos()
    {
        try
        {
            string stat = File.ReadAllText("/proc/thread-self/schedstat");
            return long.Parse(stat.AsSpan(0, stat.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return -1;
        }
    }

    private static (double PerSecond, double Bytes, double PausedPercent, double Cores) TaskRun()
    {
        var load = new BusyLoad(0, TimeSpan.Zero);
        Measure(load, TimeSpan.FromSeconds(1));
        long actions = load.Actions;
        long bytes = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan paused = GC.GetTotalPauseDuration();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        double seconds = Measure(load, Window);
        long done = load.Actions - actions;
        double cores = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds / seconds;
        return (done / seconds, (GC.GetTotalAllocatedBytes(precise: true) - bytes) / (double)done, (GC.GetTotalPauseDuration() - paused).TotalSeconds / seconds * 100, cores);
    }

    // Workers chains of Task.Run(work), each awaiting the last, until the window ends.
    private static double Measure(BusyLoad load, TimeSpan window)
    {
        var watch = Stopwatch.StartNew();
        Action work = load.Work;
        async Task Chain()
        {
            while (watch.Elapsed < window)
            {
                await Task.Run(work).ConfigureAwait(false);
            }
        }

        Task.WaitAll([.. Enumerable.Range(0, Workers).Select(_ => Chain())]);
        return watch.Elapsed.TotalSeconds;
    }
}
