using System.Text.Json;

namespace FsmV2.Orleans;

/// <summary>The client API of FsmV2 workers in an Orleans cluster, from any client or silo.</summary>
public static class FsmV2ClusterExtensions
{
    /// <summary>The grain of root worker <paramref name="id"/> (no call is made).</summary>
    public static IWorkerGrain GetWorker(this IGrainFactory grains, string id)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return grains.GetGrain<IWorkerGrain>(id);
    }

    /// <summary>Adds root worker <paramref name="id"/> of the registered <paramref name="workerType"/> with <paramref name="spec"/> (serialised as JSON).</summary>
    public static Task AddWorkerAsync<TSpec>(this IGrainFactory grains, string id, string workerType, TSpec spec) =>
        grains.GetWorker(id).AddAsync(workerType, JsonSerializer.Serialize(spec, FsmV2Json.Options));

    /// <summary>Sets a new spec on root worker <paramref name="id"/>.</summary>
    public static Task UpdateSpecAsync<TSpec>(this IGrainFactory grains, string id, TSpec spec) =>
        grains.GetWorker(id).UpdateSpecAsync(JsonSerializer.Serialize(spec, FsmV2Json.Options));

    /// <summary>The ids of every root worker in the cluster.</summary>
    public static Task<IReadOnlyList<string>> GetWorkerIdsAsync(this IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IWorkerFleetGrain>(0).GetIdsAsync();
    }
}
