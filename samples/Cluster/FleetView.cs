using System.Diagnostics;
using System.Text.RegularExpressions;
using FsmV2.Orleans;

namespace ClusterSample;

/// <summary>The client's side of the sample: adds the workers, reads the fleet's status page by page, and watches a lost silo's workers come back.</summary>
internal sealed partial class FleetView(IClusterClient grains, SampleOptions o, TextWriter output)
{
    private const int Page = 500;
    private const string WorkerGrainType = "FsmV2.Orleans.WorkerGrain";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private static string Id(int i) => $"sensor-{i:D6}";

    /// <summary>Adds every worker, at most 64 calls at a time; returns how long it took.</summary>
    public async Task<TimeSpan> AddAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Workers), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
            async (i, _) => await grains.AddWorkerAsync(Id(i), "SensorWorker", new SensorSpec()).ConfigureAwait(false)).ConfigureAwait(false);
        return clock.Elapsed;
    }

    /// <summary>The whole fleet's status, read in pages of <see cref="Page"/> root workers (<see cref="FsmV2ClusterExtensions.GetFleetStatusAsync"/>).</summary>
    public async Task<IReadOnlyList<WorkerGrainStatus>> StatusAsync()
    {
        var all = new List<WorkerGrainStatus>(o.Workers);
        for (int skip = 0; ; skip += Page)
        {
            IReadOnlyList<WorkerGrainStatus> page = await grains.GetFleetStatusAsync(skip, Page).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < Page)
            {
                return all;
            }
        }
    }

    /// <summary>Reads the fleet's status until all <see cref="SampleOptions.Workers"/> workers satisfy <paramref name="condition"/>.</summary>
    public async Task<IReadOnlyList<WorkerGrainStatus>> WaitUntilAsync(Func<WorkerGrainStatus, bool> condition, string what, IReadOnlyList<SiloProcess> silos, CancellationToken ct)
    {
        string last = "no answer yet";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (silos.FirstOrDefault(s => s.HasExited) is { } gone)
            {
                throw new InvalidOperationException($"silo {gone.Number} exited while waiting for {what}.{gone.Tail()}");
            }

            try
            {
                IReadOnlyList<WorkerGrainStatus> status = await StatusAsync().ConfigureAwait(false);
                int good = status.Count(condition);
                if (status.Count == o.Workers && good == o.Workers)
                {
                    return status;
                }

                last = $"{good:N0} of {o.Workers:N0} ({status.Count:N0} answered)";
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                last = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (o.Verbose)
            {
                output.WriteLine($"  waiting for {what}: {last}");
            }

            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After silo <paramref name="lost"/> was killed, asks the cluster's management grain (which activates no worker)
    /// until the lost silo is no longer active and the live silos hold an activation of every worker grain: the keeper
    /// on each silo calls every worker, so the lost silo's workers are activated elsewhere. Returns both times.
    /// </summary>
    public async Task<(TimeSpan Dead, TimeSpan Active)> WaitForReactivationAsync(int lost, Stopwatch sinceKill, CancellationToken ct)
    {
        IManagementGrain management = grains.GetGrain<IManagementGrain>(0);
        TimeSpan? dead = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                Dictionary<SiloAddress, SiloStatus> hosts = await management.GetHosts(onlyActive: true).ConfigureAwait(false);
                if (dead is null && hosts.Keys.All(h => SiloOf(h.Endpoint.Port) != lost))
                {
                    dead = sinceKill.Elapsed;
                }
                else if (dead is null && o.Verbose)
                {
                    output.WriteLine($"  {sinceKill.Elapsed.TotalSeconds:0.0} s: active silos {string.Join(", ", hosts.Keys)}");
                }

                if (dead is not null)
                {
                    SimpleGrainStatistic[] stats = await management.GetSimpleGrainStatistics([.. hosts.Keys]).ConfigureAwait(false);
                    int active = stats.Where(static s => s.GrainType.Split(',')[0] == WorkerGrainType).Sum(static s => s.ActivationCount);
                    if (o.Verbose)
                    {
                        output.WriteLine($"  {sinceKill.Elapsed.TotalSeconds:0.0} s: {active:N0} worker grains active on the live silos");
                    }

                    if (active >= o.Workers)
                    {
                        return (dead.Value, sinceKill.Elapsed);
                    }
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                if (o.Verbose)
                {
                    output.WriteLine($"  management grain: {ex.GetType().Name}: {ex.Message}");
                }
            }

            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The sample's number of the silo hosting <paramref name="status"/> (from its silo column, by port), or -1.</summary>
    public int SiloOf(WorkerGrainStatus status) =>
        SiloPortPattern().Match(status.Silo) is { Success: true } m ? SiloOf(int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)) : -1;

    private int SiloOf(int port) => port - o.SiloPort is var n && n >= 0 && n < o.Silos ? n : -1;

    /// <summary>Prints how many root workers each silo hosts, from the fleet status's silo column.</summary>
    public void PrintDistribution(string when, IReadOnlyList<WorkerGrainStatus> status, IReadOnlyList<SiloProcess> live)
    {
        output.WriteLine($"distribution {when} (fleet status, silo column):");
        foreach (IGrouping<string, WorkerGrainStatus> g in status.GroupBy(static s => s.Silo).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            int n = SiloOf(g.First());
            output.WriteLine($"  silo {n}  {g.Key,-32} {g.Count(),7:N0} workers");
        }

        output.WriteLine($"  total{"",35} {status.Count,7:N0} workers on {status.Select(static s => s.Silo).Distinct().Count()} silos ({live.Count} running)");
    }

    /// <summary>Prints and returns whether the run showed what it should.</summary>
    public bool Check(IReadOnlyList<WorkerGrainStatus> before, IReadOnlyList<WorkerGrainStatus> after, int lost)
    {
        (string What, bool Ok)[] checks =
        [
            ($"before: every silo hosted workers", before.Select(SiloOf).Distinct().Count() == o.Silos),
            ($"after: no worker on the killed silo {lost}", after.All(s => SiloOf(s) != lost)),
            ($"after: all {o.Workers:N0} workers, each once", after.Select(static s => s.Id).Distinct().Count() == o.Workers && after.Count == o.Workers),
            ($"after: restart counts as before (0)", after.All(static s => s.RestartCount == 0)),
        ];
        foreach ((string what, bool ok) in checks)
        {
            output.WriteLine($"check: {what}: {(ok ? "yes" : "NO")}");
        }

        return checks.All(static c => c.Ok);
    }

    [GeneratedRegex(@":(\d+)(?::|$)")]
    private static partial Regex SiloPortPattern();
}
