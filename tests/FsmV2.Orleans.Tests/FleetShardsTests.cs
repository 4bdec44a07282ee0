namespace FsmV2.Orleans.Tests;

/// <summary>The fleet's ids are split over 64 fleet grains by a hash every process computes alike.</summary>
public sealed class FleetShardsTests
{
    [Theory]
    [InlineData("pump-1", 57)]
    [InlineData("pump-2", 0)]
    [InlineData("sensor-0", 22)]
    [InlineData("", 5)]
    public void The_shard_of_an_id_is_fixed_across_processes(string id, int shard)
    {
        // FNV-1a over UTF-16 code units modulo 64, computed outside .NET: string.GetHashCode would differ per process,
        // and a silo, a client and the keeper must all find an id in the same fleet grain.
        Assert.Equal(shard, FleetShards.Of(id));
    }

    [Fact]
    public void Ten_thousand_ids_spread_over_every_shard()
    {
        int[] counts = new int[FleetShards.Count];
        for (int i = 0; i < 10_000; i++)
        {
            counts[FleetShards.Of($"sensor-{i}")]++;
        }

        // Binomial(10,000, 1/64): mean 156, sigma 12.4; mean ± 6 sigma.
        Assert.All(counts, c => Assert.InRange(c, 82, 230));
    }
}
