using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using FsmV2.Orleans;

namespace ClusterSample;

/// <summary>
/// One silo process (<c>silo N</c>): development clustering on 127.0.0.1 with silo 0 as the primary (it holds the
/// membership table), FsmV2 with the sensor worker, and the shared SQLite grain storage. It prints <c>READY</c> once
/// it has joined the cluster, and exits when its standard input closes: its launcher is gone, however it ended.
/// </summary>
internal static class SiloMain
{
    public const string ServiceId = "fsmv2-cluster-sample";

    public static async Task<int> RunAsync(SampleOptions o)
    {
        int n = o.Silo!.Value;
        string db = o.Database ?? throw new ArgumentException("silo: --db is required");
        ExitWhenLauncherIsGone();

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace); // logs on stderr; stdout is for READY
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(o.SiloPortOf(n), o.GatewayPortOf(n), new IPEndPoint(IPAddress.Loopback, o.SiloPortOf(0)), ServiceId, ServiceId);
            silo.Configure<SiloOptions>(s => s.SiloName = $"silo{n}");
            // A killed silo is declared dead after its peers' probes miss it (3 missed probes); 2 s per probe here.
            silo.Configure<ClusterMembershipOptions>(m => m.ProbeTimeout = TimeSpan.FromSeconds(2));
            silo.AddFsmV2(fsm =>
            {
                fsm.AddWorker<SensorWorker, SensorSpec, SensorReading>();
                fsm.Supervisor.TickInterval = TimeSpan.FromSeconds(1); // 10,000 grains on one small machine: one tick a second each
                fsm.Supervisor.CollectInterval = TimeSpan.FromSeconds(2);
                fsm.KeeperInterval = o.KeeperInterval;
            });
            silo.Services.AddKeyedSingleton<IGrainStorage>(FsmV2SiloBuilder.StorageName, (sp, _) => new SqliteGrainStorage(db, sp.GetRequiredService<Serializer>()));
        });

        using IHost host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        Console.Out.WriteLine("READY");
        Console.Out.Flush();
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    // The launcher holds the other end of this process's standard input: end of input means it ended (or was killed).
    private static void ExitWhenLauncherIsGone()
    {
        var watcher = new Thread(() =>
        {
            using Stream input = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (input.Read(buffer, 0, buffer.Length) > 0)
            {
            }

            Environment.Exit(3);
        })
        { IsBackground = true, Name = "launcher watch" };
        watcher.Start();
    }
}
