using FsmV2.Hosting;
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
