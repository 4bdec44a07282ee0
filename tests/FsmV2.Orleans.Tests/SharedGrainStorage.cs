using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>
/// Grain storage that outlives a silo, as a database would: one dictionary for every silo of the in-process
/// cluster, each state kept as bytes (Orleans' serializer), so a killed silo's objects are never shared. Keys start
/// with the cluster's id: clusters of tests running at once do not see each other's rows.
/// </summary>
internal sealed class SharedGrainStorage(Serializer serializer, string clusterId) : IGrainStorage
{
    public static ConcurrentDictionary<string, (byte[] State, string ETag)> Rows { get; } = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Rows.TryGetValue(Key(stateName, grainId), out (byte[] State, string ETag) row))
        {
            grainState.State = serializer.Deserialize<T>(row.State);
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

/// <summary>Every silo of the test clusters: FsmV2 with the probe worker, fast pacing, the shared storage.</summary>
public sealed class FsmV2Silo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddFsmV2(fsm =>
        {
            fsm.AddWorker<Workers.ProbeWorker, Workers.ProbeSpec, Workers.ProbeStatus>();
            fsm.Supervisor.TickInterval = TimeSpan.FromMilliseconds(50);
            fsm.Supervisor.CollectInterval = TimeSpan.FromMilliseconds(100);
            fsm.KeeperInterval = TimeSpan.FromSeconds(1);
        });
        siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(FsmV2SiloBuilder.StorageName, static (sp, _) => new SharedGrainStorage(sp.GetRequiredService<Serializer>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
    }
}
