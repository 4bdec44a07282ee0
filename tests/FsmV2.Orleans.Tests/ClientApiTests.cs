using FsmV2.Orleans.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>One 3-silo cluster for every test of a class (each test uses its own worker ids).</summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await Tests.Cluster.StartAsync();

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The client and operator calls of <see cref="IWorkerGrain"/> against a 3-silo cluster.</summary>
public sealed class ClientApiTests(SharedCluster shared) : IClassFixture<SharedCluster>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TestCluster _cluster = shared.Cluster;

    private IGrainFactory Grains => _cluster.GrainFactory;

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

        int at = (await Grains.GetWorkerIdsAsync()).Order(StringComparer.Ordinal).ToList().IndexOf("fleet-a"); // the class's other tests' workers come before or after
        IReadOnlyList<WorkerGrainStatus> first = await Grains.GetFleetStatusAsync(skip: at, take: 2);
        IReadOnlyList<WorkerGrainStatus> second = await Grains.GetFleetStatusAsync(skip: at + 2, take: 1);

        Assert.Equal(["fleet-a", "fleet-b"], first.Select(s => s.Id));
        Assert.Equal(["fleet-c"], second.Select(s => s.Id));
        string[] silos = [.. _cluster.Silos.Select(s => s.SiloAddress.ToString())];
        Assert.All(first.Concat(second), s => Assert.Contains(s.Silo, silos));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Grains.GetFleetStatusAsync(skip: -1, take: 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Grains.GetFleetStatusAsync(skip: 0, take: 0));
    }

    [Fact]
    public async Task The_operator_calls_reach_a_child_by_id_through_its_roots_grain()
    {
        const string id = "farm-1";
        IWorkerGrain farm = Grains.GetWorker(id);
        await Grains.AddWorkerAsync(id, "FarmWorker", new FarmSpec(Cells: 2));
        await Probe.WaitUntilAsync(async () => (await farm.GetStatusAsync()).Count == 3, Bound, "the farm and its two cells");
        Assert.Equal(["farm-1", "farm-1/cell-1", "farm-1/cell-2"], (await farm.GetStatusAsync()).Select(s => s.Id));

        Assert.True(await farm.IsolateAsync("farm-1/cell-1"));
        Assert.Equal(("Closed", "Open", "Closed"), Circuits(await farm.GetStatusAsync()));
        Assert.True(await farm.CloseAsync("farm-1/cell-1"));
        Assert.Equal(("Closed", "Closed", "Closed"), Circuits(await farm.GetStatusAsync()));

        Assert.True(await farm.RestartAsync("operator: cell 2", "farm-1/cell-2"));
        await Probe.WaitUntilAsync(async () => (await farm.GetStatusAsync()).Single(s => s.Id == "farm-1/cell-2").RestartCount == 1, Bound, "the child's restart to be counted");
        IReadOnlyList<WorkerGrainStatus> after = await farm.GetStatusAsync();
        Assert.Equal((0, 0, 1), (after[0].RestartCount, after[1].RestartCount, after[2].RestartCount)); // only that child
        Assert.All(after, s => Assert.Equal(after[0].Silo, s.Silo)); // a subtree lives in its root's grain

        Assert.False(await farm.IsolateAsync("farm-1/cell-9"));
        Assert.False(await farm.CloseAsync("farm-1/cell-9"));
        Assert.False(await farm.RestartAsync("no such child", "farm-1/cell-9"));

        // the child's restart count is persisted with the root's grain state
        string key = KeyOf(id);
        await Probe.WaitUntilAsync(() => Storage.Read<WorkerGrainState>(key).Workers.GetValueOrDefault("farm-1/cell-2")?.RestartCount == 1, Bound, "the child's restart to be persisted");
    }

    [Fact]
    public async Task A_write_refused_as_stale_keeps_the_newer_state_and_fences_the_activation_that_tried_it()
    {
        const string id = "stale-1";
        IWorkerGrain worker = Grains.GetWorker(id);
        await Grains.AddWorkerAsync("stale-pacer", "ProbeWorker", new ProbeSpec("stale-pacer")); // keeps the waits woken
        await Grains.AddWorkerAsync(id, "ProbeWorker", new ProbeSpec(id));
        await Probe.WaitUntilAsync(async () => await StateAsync(worker) == "Working", Bound, "the worker to start");
        string key = KeyOf(id);

        // Another activation of the same grain (a zombie's, or the one after it) writes a newer state: 7 restarts.
        WorkerGrainState newer = Storage.Read<WorkerGrainState>(key);
        newer.Workers[id] = newer.Workers[id] with { RestartCount = 7 };
        Storage.WriteAsAnotherActivation(key, newer);

        // And between the next activation's read and its claim, another writes once more (9): that activation reads
        // again and resumes from the newest state.
        WorkerGrainState newest = Storage.Read<WorkerGrainState>(key);
        newest.Workers[id] = newest.Workers[id] with { RestartCount = 9 };
        SharedGrainStorage.InterposeBeforeNextWrite(key, newest);

        Assert.True(await worker.RestartAsync("stale test")); // this activation's next write (restart count 1) is refused
        await Probe.WaitUntilAsync(() => CapturedLog.Lines.Any(l => IsFence(l, id)), Bound, "the fence to be logged");

        // The next call activates the grain again from the newest state: the fenced activation's 1 was never written.
        await Probe.WaitUntilAsync(async () => (await worker.GetStatusAsync()) is [{ RestartCount: 9, State: "Working" }], Bound, "the grain to resume from the newest state");
        Assert.Equal(9, Storage.Read<WorkerGrainState>(key).Workers[id].RestartCount);
        Assert.Equal(2, SharedGrainStorage.Refused[key]); // the fenced activation's write, once, and the first claim
        Assert.Single(CapturedLog.Lines, l => IsFence(l, id));
        Assert.Single(CapturedLog.Lines, l => l.EventId == 96 && l.Message.StartsWith($"Worker grain {id} on ", StringComparison.Ordinal));

        // the silo did not crash: the other worker runs on, and the resumed one works
        long beats = Probe.Beats.GetValueOrDefault(id), pacer = Probe.Beats.GetValueOrDefault("stale-pacer");
        await Probe.WaitUntilAsync(() => Probe.Beats.GetValueOrDefault(id) > beats + 1 && Probe.Beats.GetValueOrDefault("stale-pacer") > pacer + 1, Bound, "both workers to beat");
        Assert.Equal(3, _cluster.Silos.Count);
        Assert.Equal(0, Probe.Overlaps);
    }

    private SharedGrainStorage Storage =>
        (SharedGrainStorage)((InProcessSiloHandle)_cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(FsmV2SiloBuilder.StorageName);

    private static bool IsFence((int EventId, string Message) line, string id) =>
        line.EventId == 95 && line.Message.StartsWith($"Worker grain {id} on ", StringComparison.Ordinal);

    private static string KeyOf(string id) =>
        SharedGrainStorage.Rows.Keys.Single(k => k.Contains("/worker/", StringComparison.Ordinal) && k.EndsWith("/" + id, StringComparison.Ordinal));

    private static (string, string, string) Circuits(IReadOnlyList<WorkerGrainStatus> s) => (s[0].Circuit, s[1].Circuit, s[2].Circuit);

    private static async Task<string?> StateAsync(IWorkerGrain worker) => (await worker.GetStatusAsync()).SingleOrDefault()?.State;
}
