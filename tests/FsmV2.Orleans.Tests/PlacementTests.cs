using System.Collections.Concurrent;
using FsmV2.Orleans.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Diagnostics;
using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>
/// Where the worker grains run: spread over the silos, a new silo taking new workers, and the fleet status naming the
/// silo the cluster's own catalog reports for each grain.
/// </summary>
/// <remarks>
/// Worker grains are placed at random (ADR 0022), so the bounds are those of a uniform random placement: each of k silos gets a Binomial(n, 1/k) share of n workers, and a share outside its mean ± 5 standard deviations
/// happens with a probability below 6·10⁻⁷ per silo. For 900 workers on 3 silos that is 300 ± 71 (229–371); for 400
/// workers added once a 4th silo is up, its fair share is 100 and the bound 100 − 43.3, rounded down: 56.
/// </remarks>
public sealed class PlacementTests
{
    private const int First = 900;
    private const int Second = 400;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Workers_are_placed_at_random_spread_over_the_silos_a_new_silo_takes_new_workers_and_the_status_names_the_real_silo()
    {
        using var load = new LoadStatistics();
        await using TestCluster cluster = await Cluster.StartAsync();
        IGrainFactory grains = cluster.GrainFactory;
        await load.WaitUntilExchangedAsync([.. cluster.Silos.Select(s => s.SiloAddress)], Bound); // see LoadStatistics

        // the worker grain's placement is random, where Orleans 10 would place by resources (its default)
        IServiceProvider silo = ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services;
        GrainType type = silo.GetRequiredService<GrainTypeResolver>().GetGrainType(typeof(WorkerGrain));
        GrainProperties properties = silo.GetRequiredService<IClusterManifestProvider>().LocalGrainManifest.Grains[type];
        Assert.Equal(nameof(RandomPlacement), properties.Properties[WellKnownGrainTypeProperties.PlacementStrategy]);
        Assert.IsType<ResourceOptimizedPlacement>(silo.GetRequiredService<PlacementStrategy>());

        string[] first = await AddAsync(grains, "spread", First);

        Dictionary<string, string> placed = await PlacedAsync(cluster, grains, first);
        int[] shares = [.. cluster.Silos.Select(s => placed.Values.Count(v => v == s.SiloAddress.ToString()))];
        Log($"{First} workers on 3 silos: {string.Join(" / ", shares)} (bound {Lower(First, 3)}–{Upper(First, 3)})");
        Assert.All(shares, n => Assert.InRange(n, Lower(First, 3), Upper(First, 3)));

        // for comparison, in the same cluster and run: as many grains of each statistics-driven placement, added at once
        Log($"for comparison, {First} grains each on the same 3 silos: Orleans' default (resource-optimized) {await SpreadAsync<IResourcePlacedGrain>(cluster, "ro")}, activation-count {await SpreadAsync<ICountPlacedGrain>(cluster, "ac")}");

        SiloHandle added = await cluster.StartAdditionalSiloAsync();
        SiloAddress[] old = [.. cluster.Silos.Where(s => s != added).Select(s => s.SiloAddress)];
        await load.WaitUntilExchangedAsync([.. old, added.SiloAddress], Bound); // every silo places on it from now on

        string[] second = await AddAsync(grains, "grown", Second);
        Dictionary<string, string> placedAfter = await PlacedAsync(cluster, grains, second);
        string newSilo = added.SiloAddress.ToString();
        int onNew = placedAfter.Values.Count(v => v == newSilo);
        int[] newShares = [.. cluster.Silos.Select(s => placedAfter.Values.Count(v => v == s.SiloAddress.ToString()))];
        Log($"{Second} workers added after a 4th silo joined: {string.Join(" / ", newShares)} (the new silo last: {onNew}; fair share {Second / 4}, bound ≥ {Lower(Second, 4)})");
        Assert.InRange(onNew, Lower(Second, 4), Second);
    }

    private static async Task<string> SpreadAsync<TGrain>(TestCluster cluster, string prefix)
        where TGrain : IPlainGrain
    {
        var ids = new HashSet<string>(Enumerable.Range(0, First).Select(i => $"{prefix}-{i}"), StringComparer.Ordinal);
        await Task.WhenAll(ids.Select(id => cluster.GrainFactory.GetGrain<TGrain>(id).PingAsync()));
        DetailedGrainStatistic[] all = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [.. cluster.Silos.Select(s => s.SiloAddress)]);
        return string.Join(" / ", cluster.Silos.Select(s => all.Count(a => a.SiloAddress.Equals(s.SiloAddress) && ids.Contains(a.GrainId.Key.ToString()!))));
    }

    /// <summary>Mean − 5σ of a Binomial(n, 1/k) share.</summary>
    internal static int Lower(int n, int k) => (int)Math.Floor((n / (double)k) - (5 * Sigma(n, k)));

    /// <summary>Mean + 5σ of a Binomial(n, 1/k) share.</summary>
    internal static int Upper(int n, int k) => (int)Math.Ceiling((n / (double)k) + (5 * Sigma(n, k)));

    private static double Sigma(int n, int k) => Math.Sqrt(n * (1.0 / k) * (1 - (1.0 / k)));

    private static async Task<string[]> AddAsync(IGrainFactory grains, string prefix, int count)
    {
        string[] ids = [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i}")];
        await Task.WhenAll(ids.Select(id => grains.AddWorkerAsync(id, "ProbeWorker", new ProbeSpec(id, Beat: false)))); // started, then quiet
        await Probe.WaitUntilAsync(() => ids.All(id => Probe.Starts.ContainsKey(id)), Bound, $"every {prefix} worker to start");
        return ids;
    }

    // The silo of each worker as the fleet status names it, checked against the silos' own catalogs (the management
    // grain's per-silo list of activations) and against the silo whose services created the worker (its actions say).
    private static async Task<Dictionary<string, string>> PlacedAsync(TestCluster cluster, IGrainFactory grains, string[] ids)
    {
        var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
        IReadOnlyList<WorkerGrainStatus> fleet = await grains.GetFleetStatusAsync(0, int.MaxValue);
        Dictionary<string, string> named = fleet.Where(s => wanted.Contains(s.Id)).ToDictionary(s => s.Id, s => s.Silo, StringComparer.Ordinal);
        Assert.Equal(ids.Length, named.Count);

        DetailedGrainStatistic[] activations = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: [.. cluster.Silos.Select(s => s.SiloAddress)]);
        Dictionary<string, string> catalog = activations
            .Where(a => wanted.Contains(a.GrainId.Key.ToString()!))
            .ToDictionary(a => a.GrainId.Key.ToString()!, a => a.SiloAddress.ToString(), StringComparer.Ordinal); // throws if one ran twice
        Assert.Equal(named.OrderBy(p => p.Key, StringComparer.Ordinal), catalog.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(ids, id => Assert.Equal(named[id], Probe.StartedOn[id]));
        return named;
    }

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

/// <summary>
/// The load statistics the silos exchange (Orleans' DeploymentLoadPublisher events). Random placement does not use them,
/// but a silo is a candidate only once the placing silo's membership lists it as active, which the first exchange with
/// it also needs: waiting for it is waiting for every silo to be a candidate everywhere.
/// </summary>
internal sealed class LoadStatistics : IObserver<DeploymentLoadPublisherEvents.DeploymentLoadPublisherEvent>, IDisposable
{
    private readonly ConcurrentDictionary<(string From, string To), bool> _received = new();
    private readonly IDisposable _subscription;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoadStatistics() => _subscription = DeploymentLoadPublisherEvents.AllEvents.Subscribe(this);

    /// <summary>Waits until each of <paramref name="silos"/> holds the statistics of every other.</summary>
    public async Task WaitUntilExchangedAsync(SiloAddress[] silos, TimeSpan timeout)
    {
        string[] names = [.. silos.Select(s => s.ToString())];
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next = Volatile.Read(ref _changed).Task;
            if (names.All(from => names.All(to => from == to || _received.ContainsKey((from, to)))))
            {
                return;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for silos {string.Join(", ", names)} to exchange load statistics.");
            }
        }
    }

    public void OnNext(DeploymentLoadPublisherEvents.DeploymentLoadPublisherEvent value)
    {
        if (value is DeploymentLoadPublisherEvents.Received r)
        {
            _received[(r.FromSilo.ToString(), r.ReceiverSilo.ToString())] = true;
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose() => _subscription.Dispose();
}

/// <summary>Grains that only answer, to compare other placements with in the same run.</summary>
public interface IPlainGrain : IGrainWithStringKey
{
    Task PingAsync();
}

public interface IResourcePlacedGrain : IPlainGrain;

public interface ICountPlacedGrain : IPlainGrain;

/// <summary>Orleans' default placement (no attribute): resource-optimized in Orleans 10.</summary>
internal sealed class ResourcePlacedGrain : Grain, IResourcePlacedGrain
{
    public Task PingAsync() => Task.CompletedTask;
}

[ActivationCountBasedPlacement]
internal sealed class CountPlacedGrain : Grain, ICountPlacedGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
