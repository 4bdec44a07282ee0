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

    /// <summary>A call right after a silo was killed can fail once (its gateway, its grains): tried again, up to 5 times.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (attempt < 5)
            {
                // tried again at once: Orleans itself waits for the call's response timeout
            }
        }
    }
}
