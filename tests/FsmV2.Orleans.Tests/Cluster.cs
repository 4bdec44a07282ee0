using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>A 3-silo in-process cluster with <see cref="FsmV2Silo"/> on every silo.</summary>
internal static class Cluster
{
    public static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<FsmV2Silo>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// Calls right after a silo was killed fail until the client stops routing to it: tried again (after a yield, no
    /// wait) until one succeeds, failing after 30 s instead of hanging.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call();
            }
            catch (OrleansException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Yield();
            }
        }
    }
}
