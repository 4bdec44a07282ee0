using FsmV2.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using FsmV2.Sqlite.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Sqlite.Tests;

public class HostingTests
{
    [Fact]
    public async Task UseSqliteStore_gives_the_hosted_supervisor_the_store_and_the_next_container_on_the_file_resumes_its_workers()
    {
        using var rig = new Rig();
        for (int run = 0; run < 2; run++)
        {
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(rig.Time);
            services.AddFsmV2(o => o.TickInterval = Rig.Options.TickInterval).UseSqliteStore(rig.FilePath, o => o.TimeProvider = rig.Time);
            await using ServiceProvider provider = services.BuildServiceProvider();
            Supervisor supervisor = provider.GetRequiredService<Supervisor>();
            SqliteWorkerStore store = Assert.IsType<SqliteWorkerStore>(supervisor.Store);
            Assert.Equal(rig.FilePath, store.FilePath);

            supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
            Assert.Equal(run == 0 ? "A" : "C", supervisor.GetStatus("w")!.State); // the second run resumes
            await rig.StepUntil(supervisor, "w", "C");
            await rig.ShutDown(supervisor);
        }
    }
}

public class StoreHealthTests
{
    [Fact]
    public async Task A_failing_store_degrades_the_readiness_check_naming_the_file_and_it_is_healthy_again_once_the_writes_catch_up()
    {
        using var rig = new Rig();
        bool readOnly = true; // as mounted read-only (root ignores chmod: the connection is made query-only)
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(rig.Time);
        services.AddFsmV2(o => o.TickInterval = Rig.Options.TickInterval).UseSqliteStore(rig.FilePath, o =>
        {
            o.TimeProvider = rig.Time;
            o.OnConnected = c => SqliteSchema.Execute(c, $"PRAGMA query_only = {(Volatile.Read(ref readOnly) ? "ON" : "OFF")}");
        });
        services.AddHealthChecks().AddFsmV2();
        await using ServiceProvider provider = services.BuildServiceProvider();
        Supervisor supervisor = provider.GetRequiredService<Supervisor>();
        var store = (SqliteWorkerStore)supervisor.Store;
        HealthCheckService health = provider.GetRequiredService<HealthCheckService>();
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
        await rig.StepUntil(supervisor, "w", "C"); // the supervisor runs on in memory
        Assert.False(store.Flush());
        HealthReportEntry ready = (await health.CheckHealthAsync(TestContext.Current.CancellationToken)).Entries[FsmV2HealthCheckExtensions.ReadinessCheckName];
        Assert.Equal(HealthStatus.Degraded, ready.Status);
        Assert.Contains($"store SQLite {rig.FilePath} failing: SQLite store '{rig.FilePath}': write changed workers failed", ready.Description, StringComparison.Ordinal);
        Assert.Equal(false, ready.Data["storeHealthy"]);
        Assert.Equal(1, ready.Data["storePendingWrites"]);

        Volatile.Write(ref readOnly, false);
        rig.Time.Advance(TimeSpan.FromSeconds(2)); // past the retry delay: the writer catches up on its own
        await Rig.WaitUntil(() => store.Status.IsHealthy);
        ready = (await health.CheckHealthAsync(TestContext.Current.CancellationToken)).Entries[FsmV2HealthCheckExtensions.ReadinessCheckName];
        Assert.Equal(HealthStatus.Healthy, ready.Status);
        await rig.ShutDown(supervisor);
    }
}
