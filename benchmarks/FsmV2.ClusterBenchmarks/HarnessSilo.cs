using System.Collections.Concurrent;
using FsmV2.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FsmV2.ClusterBenchmarks;

/// <summary>Every silo of the harness's TestClusters: FsmV2 with <see cref="BeatWorker"/> at <see cref="Supervisor"/>'s pace, and storage that outlives a silo.</summary>
public sealed class HarnessSilo : ISiloConfigurator
{
    /// <summary>The options of every worker grain (set before a cluster is deployed; the silos run in this process).</summary>
    public static SupervisorOptions Supervisor { get; set; } = new();

    public static TimeSpan KeeperInterval { get; set; } = TimeSpan.FromSeconds(10);

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddFsmV2(fsm =>
        {
            fsm.AddWorker<BeatWorker, BeatSpec, BeatObserved>();
            fsm.Supervisor.TickInterval = Supervisor.TickInterval;
            fsm.Supervisor.CollectInterval = Supervisor.CollectInterval;
            fsm.KeeperInterval = KeeperInterval;
        });
        siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(FsmV2SiloBuilder.StorageName, static (sp, _) =>
            new ProcessGrainStorage(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
    }

    public static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<HarnessSilo>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>Grain storage of this process, shared by the in-process silos (as bytes, so no object outlives its silo), keyed by cluster.</summary>
internal sealed class ProcessGrainStorage(Serializer serializer, string clusterId) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, (byte[] Data, string ETag)> Rows = new(StringComparer.Ordinal);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Rows.TryGetValue(Key(stateName, grainId), out (byte[] Data, string ETag) row))
        {
            grainState.State = serializer.Deserialize<T>(row.Data);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string etag = Guid.NewGuid().ToString("N");
        Rows[Key(stateName, grainId)] = (serializer.SerializeToArray(grainState.State), etag);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Rows.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private string Key(string stateName, GrainId grainId) => $"{clusterId}/{stateName}/{grainId}";
}
