using FsmV2;
using FsmV2.Hosting;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>The same pump in a generic host, registered with AddWorker&lt;PumpWorker&gt; (types inferred).</summary>
internal static class HostedPump
{
    public static async Task<string> RunAsync()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services
            .AddFsmV2(o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(20);
                o.CollectInterval = TimeSpan.FromMilliseconds(50);
                o.StaleAfter = TimeSpan.FromSeconds(1);
                o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            })
            .AddWorker<PumpWorker>("pump-2", new PumpConfig(Run: true));
        using IHost host = builder.Build();
        await host.StartAsync();
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();

        // At most 2.5 s of real time.
        string? state = null;
        for (int i = 0; i < 125 && state != "Running"; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            state = supervisor.GetStatus("pump-2")?.State;
        }

        await host.StopAsync();
        return state ?? "(not added)";
    }
}
