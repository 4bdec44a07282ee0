using System.Diagnostics;
using System.Globalization;
using FsmV2.Benchmarks.Workers;

namespace FsmV2.Benchmarks;

/// <summary>
/// Not a BenchmarkDotNet benchmark (BenchmarkDotNet cannot hold a million workers per iteration): <c>scale</c> builds
/// one real <see cref="Supervisor"/> on <see cref="TimeProvider.System"/> per size (<see cref="ScaleWorker"/>s,
/// <see cref="SupervisorOptions.CollectInterval"/> 1 s, so every collector is live) and reports, for that size:
/// <list type="bullet">
/// <item>the time to add every worker (for the tree: to add the root and tick until every child exists);</item>
/// <item>the bytes retained per worker: <see cref="GC.GetTotalMemory(bool)"/> with a full collection before and after
/// adding, the ids, workers and specs created beforehand so they are not counted;</item>
/// <item>one <see cref="Supervisor.Tick"/> per worker, beside a hand-written loop over an array of structs doing the
/// same gates and switch on a snapshot-shaped struct, in the same process and at the same size;</item>
/// <item>the CPU the process uses per second of wall time while nothing ticks (the collectors alone), over
/// <see cref="IdleWindow"/>, with the collections made in that window against the number due (N per second);</item>
/// <item>the time <see cref="Supervisor.ShutdownAsync"/> takes.</item>
/// </list>
/// Arguments: the sizes (default 1000 10000 100000), <c>tree</c> for a million as a 1 → 1000 → 1000 tree, and
/// <c>actions</c> for <see cref="ActionThroughputHarness"/>.
/// </summary>
internal static class ScaleHarness
{
    public static readonly TimeSpan CollectInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);

    public static int Run(string[] args)
    {
        List<string> sizes = args.Length > 0 ? [.. args] : ["1000", "10000", "100000"];
        Console.WriteLine($"scale: {Environment.ProcessorCount} cores, .NET {Environment.Version}, CollectInterval {CollectInterval.TotalSeconds} s, idle window {IdleWindow.TotalSeconds} s, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, SkipUnchangedStays {Options().SkipUnchangedStays}");
        var rows = new List<string>();
        string? actions = null;
        foreach (string size in sizes)
        {
            if (size == "actions")
            {
                actions = ActionThroughputHarness.Run();
                Console.WriteLine(actions);
                continue;
            }

            Row row = size == "tree" ? MeasureTree() : MeasureFlat(int.Parse(size, CultureInfo.InvariantCulture));
            Console.WriteLine(row.Line);
            rows.Add(row.Line);
        }

        Console.WriteLine();
        Console.WriteLine("| N workers | add | bytes per worker | tick per worker | struct loop | ratio | tick per worker, paced (ratio) | idle CPU per s | GC pauses (idle) | collections done / due | shutdown |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        if (actions is not null)
        {
            Console.WriteLine();
            Console.WriteLine("| actions | FsmV2 | peer | ratio |");
            Console.WriteLine("|---|---|---|---|");
            Console.WriteLine(actions);
        }

        return 0;
    }

    private static SupervisorOptions Options() => new()
    {
        CollectInterval = CollectInterval,
        StaleAfter = TimeSpan.FromHours(1), // every worker decides on every tick, however long adding took
        ShutdownTimeout = TimeSpan.FromMinutes(5),
        // The figures of issue 13 are without the flight recorder (issue 15); FSMV2_SCALE_RECORDER=32 measures with it
        // (its default: an idle worker's stay is kept in its slot, WorkerFootprintTests).
        Recorder = new FlightRecorderOptions { Capacity = int.TryParse(Environment.GetEnvironmentVariable("FSMV2_SCALE_RECORDER"), out int capacity) ? capacity : 0 },
        // Every worker evaluated on every tick (the default); FSMV2_SCALE_SKIP=1 turns SkipUnchangedStays on: ScaleWorker's
        // state reads no time and its observation is immutable, so an unchanged worker is skipped.
        SkipUnchangedStays = Environment.GetEnvironmentVariable("FSMV2_SCALE_SKIP") == "1",
    };

    private static Row MeasureFlat(int n)
    {
        string[] ids = [.. Enumerable.Range(0, n).Select(i => $"w-{i}")];
        ScaleWorker[] workers = [.. Enumerable.Range(0, n).Select(_ => new ScaleWorker())];
        ScaleConfig[] specs = [.. Enumerable.Range(0, n).Select(i => new ScaleConfig(i))];
        var supervisor = new Supervisor(Options());
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            supervisor.AddWorker(ids[i], workers[i], specs[i]);
        }

        TimeSpan add = watch.Elapsed;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        return Finish($"{n:N0}", n, supervisor, add, (after - before) / (double)n, () => workers.Sum(w => w.Collections));
    }

    private static Row MeasureTree()
    {
        const int Branches = 1000, Leaves = 1000;
        var branches = new ChildSpecs<RootWorker>();
        for (int b = 0; b < Branches; b++)
        {
            var leaves = new ChildSpecs<BranchWorker>();
            for (int l = 0; l < Leaves; l++)
            {
                leaves.Add(LeafWorker.AsChild($"leaf-{l}", new BranchSpec(l)));
            }

            branches.Add(BranchWorker.AsChild($"branch-{b}", new BranchSpec(b, leaves)));
        }

        var spec = new BranchSpec(0, branches);
        var root = new RootWorker();
        int n = 1 + Branches + (Branches * Leaves);
        var supervisor = new Supervisor(Options());
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        supervisor.AddWorker("root", root, spec);
        for (int i = 0; i < 10 && supervisor.GetTotals().Supervised < n; i++)
        {
            supervisor.Tick();
        }

        TimeSpan add = watch.Elapsed;
        long after = GC.GetTotalMemory(forceFullCollection: true);
        int supervised = supervisor.GetTotals().Supervised;
        if (supervised != n)
        {
            throw new InvalidOperationException($"Expected {n} workers in the tree, found {supervised}.");
        }

        return Finish("1,000,000 (1 → 1000 → 1000 tree)", n, supervisor, add, (after - before) / (double)n, collections: null);
    }

    private static Row Finish(string name, int n, Supervisor supervisor, TimeSpan add, double bytesPerWorker, Func<long>? collections)
    {
        int ticks = Math.Max(5, 5_000_000 / n);
        double tickNs = MeasureTicks(supervisor, ticks) / n;
        double loopNs = StructLoop.Measure(n, ticks) / n;
        (double cpuMsPerS, double done, double gcPercent) = MeasureIdle(collections);
        double pacedNs = MeasurePaced(supervisor) / n;
        var watch = Stopwatch.StartNew();
        supervisor.ShutdownAsync().GetAwaiter().GetResult();
        TimeSpan shutdown = watch.Elapsed;
        string due = collections is null ? "—" : string.Create(CultureInfo.InvariantCulture, $"{done / (n * IdleWindow.TotalSeconds / CollectInterval.TotalSeconds):P0}");
        return new Row(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Time(add)} | {bytesPerWorker:N0} | {tickNs:0.0} ns | {loopNs:0.0} ns | {tickNs / loopNs:0.0}× | {pacedNs:0.0} ns ({pacedNs / loopNs:0.0}×) | {cpuMsPerS:0} ms/s | {gcPercent:0} % | {due} | {Time(shutdown)} |"));
    }

    private static double MeasureTicks(Supervisor supervisor, int ticks)
    {
        for (int i = 0; i < ticks; i++)
        {
            supervisor.Tick(); // warm-up as long as the measurement: the JIT's tiers settle
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < ticks; i++)
        {
            supervisor.Tick();
        }

        double ns = watch.Elapsed.TotalNanoseconds / ticks;
        long perTick = (GC.GetAllocatedBytesForCurrentThread() - allocated) / ticks;
        if (perTick > 0)
        {
            Console.WriteLine($"  note: {perTick} B allocated per tick");
        }

        return ns;
    }

    // A running supervisor's tick: Tick every 100 ms (the default TickInterval) for 2 s with the collectors live, so a
    // tick also decides on the observations that arrived since the last one (back to back, above, almost none do).
    // Returns the time spent in Tick per tick.
    private static double MeasurePaced(Supervisor supervisor)
    {
        var window = TimeSpan.FromSeconds(2);
        long spent = 0;
        int ticks = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < window)
        {
            long start = Stopwatch.GetTimestamp();
            supervisor.Tick();
            spent += Stopwatch.GetTimestamp() - start;
            ticks++;
            TimeSpan wait = TimeSpan.FromMilliseconds(100 * ticks) - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait); // pacing, as the tick thread does
            }
        }

        return Stopwatch.GetElapsedTime(0, spent).TotalNanoseconds / ticks;
    }

    // The process's CPU per second of wall time, the collections made (scaled to the window) and the share of the window
    // spent in GC pauses.
    private static (double CpuMsPerS, double Collections, double GcPercent) MeasureIdle(Func<long>? collections)
    {
        using var process = Process.GetCurrentProcess();
        long c0 = collections?.Invoke() ?? 0;
        TimeSpan paused = GC.GetTotalPauseDuration();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Thread.Sleep(IdleWindow);
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime - cpu0;
        double wall = watch.Elapsed.TotalSeconds;
        long c1 = collections?.Invoke() ?? 0;
        double gc = (GC.GetTotalPauseDuration() - paused).TotalSeconds / wall * 100;
        return (cpu.TotalMilliseconds / wall, (c1 - c0) * (IdleWindow.TotalSeconds / wall), gc);
    }

    private static string Time(TimeSpan t) => t.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.0} ms");

    private sealed record Row(string Line);

    /// <summary>
    /// The peer: what a tick does for an idle worker, by hand, over an array of structs (one heap object per worker for
    /// its observation, as the store has): skip it while an action is in flight or its observation is older than
    /// the last action, or stale; build a snapshot-shaped struct; switch on the state; write the reason.
    /// </summary>
    private static class StructLoop
    {
        public static double Measure(int n, int ticks)
        {
            var cells = new Cell[n];
            long now = DateTimeOffset.UtcNow.UtcTicks;
            for (int i = 0; i < n; i++)
            {
                cells[i] = new Cell { Observation = new ScaleStatus(true), CollectedAt = now, ObservedEpoch = 0 };
            }

            for (int i = 0; i < ticks; i++)
            {
                Tick(cells, DateTimeOffset.UtcNow.UtcTicks);
            }

            var watch = Stopwatch.StartNew();
            for (int i = 0; i < ticks; i++)
            {
                Tick(cells, DateTimeOffset.UtcNow.UtcTicks);
            }

            double ns = watch.Elapsed.TotalNanoseconds / ticks;
            if (cells.Count(c => ReferenceEquals(c.Reason, "idle")) != n)
            {
                throw new InvalidOperationException("The struct loop did not decide for every cell.");
            }

            return ns;
        }

        private static void Tick(Cell[] cells, long now)
        {
            long staleTicks = TimeSpan.FromHours(1).Ticks;
            for (int i = 0; i < cells.Length; i++)
            {
                ref Cell cell = ref cells[i];
                if (cell.InFlight || cell.ObservedEpoch < cell.Epoch || now - cell.CollectedAt > staleTicks)
                {
                    continue;
                }

                var snapshot = new SnapshotLike(cell.Observation!, cell.CollectedAt, now, cell.ShutdownRequested);
                cell.Reason = cell.State switch
                {
                    0 => snapshot.ShutdownRequested ? "remove" : snapshot.Observed.Healthy ? "idle" : "unhealthy",
                    _ => "unknown",
                };
            }
        }

        private struct Cell
        {
            public int State;
            public bool InFlight;
            public bool ShutdownRequested;
            public long Epoch;
            public long ObservedEpoch;
            public long CollectedAt;
            public ScaleStatus? Observation;
            public string? Reason;
        }

        private readonly record struct SnapshotLike(ScaleStatus Observed, long CollectedAt, long Now, bool ShutdownRequested);
    }
}
