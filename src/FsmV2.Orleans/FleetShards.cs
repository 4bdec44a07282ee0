namespace FsmV2.Orleans;

/// <summary>
/// The fleet's root ids, split over <see cref="Count"/> fleet grains (keys 0 to <see cref="Count"/> − 1) by a stable
/// hash of the id: an add rewrites one shard's ids, not the whole fleet's, and adds to different shards run at once.
/// </summary>
internal static class FleetShards
{
    /// <summary>How many fleet grains hold the ids.</summary>
    public const int Count = 64;

    /// <summary>The shard of <paramref name="id"/>: FNV-1a over its UTF-16 code units, the same on every silo and client (unlike <see cref="string.GetHashCode()"/>).</summary>
    public static int Of(string id)
    {
        uint hash = 2166136261;
        foreach (char c in id)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash % Count);
    }

    /// <summary>The fleet grain that holds <paramref name="id"/>.</summary>
    public static IWorkerFleetGrain For(IGrainFactory grains, string id) => grains.GetGrain<IWorkerFleetGrain>(Of(id));

    /// <summary>One read per shard, all under way.</summary>
    public static Task<IReadOnlyList<string>>[] ReadAll(IGrainFactory grains) =>
        [.. Enumerable.Range(0, Count).Select(shard => grains.GetGrain<IWorkerFleetGrain>(shard).GetIdsAsync())];

    /// <summary>Every root id of the fleet (throws when a shard does not answer).</summary>
    public static async Task<IReadOnlyList<string>> AllIdsAsync(IGrainFactory grains)
    {
        IReadOnlyList<string>[] shards = await Task.WhenAll(ReadAll(grains)).ConfigureAwait(false);
        return [.. shards.SelectMany(static ids => ids)];
    }
}
