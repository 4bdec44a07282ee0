using FsmV2.Orleans.Tests.Workers;
using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>The client and operator calls of <see cref="IWorkerGrain"/> against a 3-silo cluster.</summary>
public sealed class ClientApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.GrainFactory;

    public async ValueTask InitializeAsync() => _cluster = await Cluster.StartAsync();

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Bad_input_is_refused_naming_the_worker_and_the_problem()
    {
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => Grains.AddWorkerAsync("api-bad-1", "NoSuchWorker", new ProbeSpec("api-bad-1")));
        Assert.Contains("'api-bad-1'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'NoSuchWorker' is not registered", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("ProbeWorker", unknown.Message, StringComparison.Ordinal); // the registered ones are listed

        var spec = await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetWorker("api-bad-2").AddAsync("ProbeWorker", "{ not json"));
        Assert.Contains("Worker 'api-bad-2' (ProbeWorker): the spec is not a valid ProbeSpec", spec.Message, StringComparison.Ordinal);

        await Grains.AddWorkerAsync("api-bad-3", "ProbeWorker", new ProbeSpec("api-bad-3"));
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => Grains.AddWorkerAsync("api-bad-3", "ProbeWorker", new ProbeSpec("api-bad-3")));
        Assert.Contains("Worker 'api-bad-3' already exists", twice.Message, StringComparison.Ordinal);

        var update = await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.UpdateSpecAsync("api-bad-4", new ProbeSpec("api-bad-4")));
        Assert.Contains("Worker 'api-bad-4' does not exist", update.Message, StringComparison.Ordinal);
        Assert.Empty(await Grains.GetWorker("api-bad-4").GetStatusAsync());
        Assert.False(await Grains.GetWorker("api-bad-4").RemoveAsync());
    }

    [Fact]
    public async Task Add_update_operate_and_remove_a_worker_through_grain_calls()
    {
        const string id = "api-1";
        IWorkerGrain worker = Grains.GetWorker(id);
        await Grains.AddWorkerAsync("api-pacer", "ProbeWorker", new ProbeSpec("api-pacer")); // its collections wake the waits up after api-1 left
        await Grains.AddWorkerAsync(id, "ProbeWorker", new ProbeSpec(id));
        Assert.Contains(id, await Grains.GetWorkerIdsAsync());
        await Probe.WaitUntilAsync(async () => await StateAsync(worker) == "Working", Bound, "the worker to start");

        await Grains.UpdateSpecAsync(id, new ProbeSpec(id, Run: false));
        await Probe.WaitUntilAsync(async () => await StateAsync(worker) == "Idle", Bound, "the worker to stop on its new spec");

        Assert.True(await worker.IsolateAsync());
        Assert.Equal("Open", Assert.Single(await worker.GetStatusAsync()).Circuit);
        Assert.True(await worker.CloseAsync());
        Assert.Equal("Closed", Assert.Single(await worker.GetStatusAsync()).Circuit);
        Assert.False(await worker.IsolateAsync("api-1/no-such-child"));

        Assert.True(await worker.RestartAsync("operator test"));
        await Probe.WaitUntilAsync(async () => Assert.Single(await worker.GetStatusAsync()).RestartCount == 1, Bound, "the restart to be counted");

        Assert.True(await worker.RemoveAsync());
        await Probe.WaitUntilAsync(async () => (await worker.GetStatusAsync()).Count == 0, Bound, "the worker to leave");
        Assert.DoesNotContain(id, await Grains.GetWorkerIdsAsync());
        Assert.DoesNotContain(SharedGrainStorage.Rows.Keys, k => k.EndsWith("/" + id, StringComparison.Ordinal)); // its grain state is cleared
    }

    [Fact]
    public async Task The_fleet_status_is_paged_by_id_and_names_the_hosting_silo()
    {
        string[] ids = ["fleet-c", "fleet-a", "fleet-b"];
        await Task.WhenAll(ids.Select(id => Grains.AddWorkerAsync(id, "ProbeWorker", new ProbeSpec(id))));

        IReadOnlyList<WorkerGrainStatus> first = await Grains.GetFleetStatusAsync(skip: 0, take: 2);
        IReadOnlyList<WorkerGrainStatus> second = await Grains.GetFleetStatusAsync(skip: 2, take: 2);

        Assert.Equal(["fleet-a", "fleet-b"], first.Select(s => s.Id));
        Assert.Equal(["fleet-c"], second.Select(s => s.Id));
        string[] silos = [.. _cluster.Silos.Select(s => s.SiloAddress.ToString())];
        Assert.All(first.Concat(second), s => Assert.Contains(s.Silo, silos));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Grains.GetFleetStatusAsync(skip: -1, take: 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Grains.GetFleetStatusAsync(skip: 0, take: 0));
    }

    private static async Task<string?> StateAsync(IWorkerGrain worker) => (await worker.GetStatusAsync()).SingleOrDefault()?.State;
}
