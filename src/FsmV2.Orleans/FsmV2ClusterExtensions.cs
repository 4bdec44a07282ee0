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
        return FleetShards.AllIdsAsync(grains);
    }

    /// <summary>
    /// One page of the fleet's status: the root workers ordered by id (ordinal), from <paramref name="skip"/>, at most
    /// <paramref name="take"/> of them, each followed by its children, each with the silo hosting it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="skip"/> is negative or <paramref name="take"/> is not positive.</exception>
    public static async Task<IReadOnlyList<WorkerGrainStatus>> GetFleetStatusAsync(this IGrainFactory grains, int skip, int take)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        IReadOnlyList<string> ids = await grains.GetWorkerIdsAsync().ConfigureAwait(false);
        IReadOnlyList<WorkerGrainStatus>[] page = await Task.WhenAll(
            ids.Order(StringComparer.Ordinal).Skip(skip).Take(take).Select(id => grains.GetWorker(id).GetStatusAsync())).ConfigureAwait(false);
        return [.. page.SelectMany(static s => s)];
    }
}
