using System.Diagnostics;
using System.Globalization;
using FsmV2.Orleans;
using Orleans.TestingHost;

namespace FsmV2.ClusterBenchmarks;

/// <summary>
/// (a) CPU per worker-tick: N workers in one in-process <see cref="Supervisor"/> (its own run loop) beside the same N
/// in worker grains on a 3-silo TestCluster (in this process), at the same tick and collect intervals, each over the
/// same window, minus the CPU of the same host with no worker. (b) Seconds from killing one of 3 silos until every
/// worker it hosted collected again on a survivor.
/// </summary>
internal sealed class ClusterHarness(int workers, TimeSpan window, TimeSpan tick, int failoverWorkers, TextWriter output)
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    private SupervisorOptions Options => new() { TickInterval = tick, CollectInterval = TimeSpan.FromSeconds(1) };

    public async Task TickCostAsync()
    {
        output.WriteLine($"(a) tick cost: {workers:N0} workers, tick {tick.TotalMilliseconds:0} ms, collect 1 s, window {window.TotalSeconds:0} s, warm-up {WarmUp.TotalSeconds:0} s");
        (double idleInProcess, _) = await InProcessAsync(0);
        (double inProcess, double ticks) = await InProcessAsync(workers);
        double inProcessPerTick = (inProcess - idleInProcess) / (workers * ticks);
        output.WriteLine($"  in-process supervisor: {Ms(inProcess)} CPU ({Ms(idleInProcess)} with no worker), {ticks:N0} ticks of {Expected():N0} nominal -> {Us(inProcessPerTick)} per worker-tick");

        HarnessSilo.Supervisor = Options;
        HarnessSilo.KeeperInterval = TimeSpan.FromHours(1); // the keeper's sweeps are not the tick: (b) measures them
        await using TestCluster cluster = await HarnessSilo.StartAsync();
        await Task.Delay(WarmUp);
        double idleCluster = await CpuOverWindowAsync();
        string[] ids = await AddAsync(cluster, "tick", workers);
        await WaitRunningAsync(cluster.GrainFactory, ids.Length);
        await Task.Delay(WarmUp);
        double inGrains = await CpuOverWindowAsync();
        double grainPerTick = (inGrains - idleCluster) / (workers * Expected());
        output.WriteLine($"  worker grains, 3 silos: {Ms(inGrains)} CPU ({Ms(idleCluster)} with no worker), {Expected():N0} nominal ticks (grain timers) -> {Us(grainPerTick)} per worker-tick");
        output.WriteLine($"  ratio grain / in-process per worker-tick: {(grainPerTick / inProcessPerTick).ToString("0.0", CultureInfo.InvariantCulture)}x");
    }

    public async Task FailoverAsync()
    {
        output.WriteLine($"(b) failover: {failoverWorkers:N0} workers on a 3-silo TestCluster, keeper interval 1 s, tick {tick.TotalMilliseconds:0} ms, collect 1 s");
        HarnessSilo.Supervisor = Options;
        HarnessSilo.KeeperInterval = TimeSpan.FromSeconds(1);
        await using TestCluster cluster = await HarnessSilo.StartAsync();
        var clock = Stopwatch.StartNew();
        string[] ids = await AddAsync(cluster, "move", failoverWorkers);
        output.WriteLine($"  added in {Sec(clock.Elapsed)}");
        await WaitRunningAsync(cluster.GrainFactory, ids.Length);
        await WaitUntilAsync(() => ids.All(BeatWorker.Seen.ContainsKey), "every worker to collect");
        SiloHandle victim = cluster.SecondarySilos[0];
        string dead = victim.SiloAddress.ToString();
        string[] lost = [.. ids.Where(id => BeatWorker.Seen[id] == dead)];
        output.WriteLine($"  every worker running {Sec(clock.Elapsed)} after the start; killing {dead}, which hosts {lost.Length:N0}");

        BeatWorker.Lost = dead;
        var sinceKill = Stopwatch.StartNew();
        await cluster.KillSiloAsync(victim);
        TimeSpan killed = sinceKill.Elapsed;
        await WaitUntilAsync(() => lost.All(BeatWorker.Survivors.ContainsKey), "every lost worker to collect on a survivor");
        TimeSpan back = sinceKill.Elapsed;
        output.WriteLine($"  every one of the {lost.Length:N0} lost workers collected again on a survivor {Sec(back)} after the kill began (KillSiloAsync returned after {Sec(killed)})");
        IEnumerable<IGrouping<string, string>> moved = lost.GroupBy(id => BeatWorker.Survivors[id]);
        output.WriteLine($"  the lost workers went to: {string.Join(", ", moved.Select(g => $"{g.Key}: {g.Count():N0}"))}");
    }

    private async Task<(double CpuMs, double Ticks)> InProcessAsync(int n)
    {
        await using var supervisor = new Supervisor(Options);
        for (int i = 0; i < n; i++)
        {
            supervisor.AddWorker($"in-{i}", new BeatWorker(), new BeatSpec($"in-{i}"));
        }

        using var stop = new CancellationTokenSource();
        Task run = supervisor.RunAsync(stop.Token);
        await Task.Delay(WarmUp);
        long ticks0 = supervisor.TickCount;
        double cpu = await CpuOverWindowAsync();
        long ticks = supervisor.TickCount - ticks0;
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        return (cpu, ticks);
    }

    private static async Task<string[]> AddAsync(TestCluster cluster, string prefix, int n)
    {
        string[] ids = [.. Enumerable.Range(0, n).Select(i => $"{prefix}-{i:D6}")];
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (id, _) => await cluster.GrainFactory.AddWorkerAsync(id, "BeatWorker", new BeatSpec(id)));
        return ids;
    }

    private static async Task WaitRunningAsync(IGrainFactory grains, int n) =>
        await WaitUntilAsync(async () => (await AllStatusAsync(grains)).Count(s => s.State == "Running") == n, "every worker to run");

    private static async Task<List<WorkerGrainStatus>> AllStatusAsync(IGrainFactory grains)
    {
        var all = new List<WorkerGrainStatus>();
        for (int skip = 0; ; skip += 1_000)
        {
            IReadOnlyList<WorkerGrainStatus> page = await grains.GetFleetStatusAsync(skip, 1_000);
            all.AddRange(page);
            if (page.Count < 1_000)
            {
                return all;
            }
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    // Polled every 50 ms with a deadline: the harness measures seconds, not milliseconds.
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"gave up after 5 min waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<double> CpuOverWindowAsync()
    {
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.Delay(window);
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
    }

    private double Expected() => window / tick;

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:N0} ms");

    private static string Us(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms * 1000:0.00} µs");

    private static string Sec(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s");
}
