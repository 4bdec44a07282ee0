using FsmV2.Hosting;
using FsmV2.Hosting.SigtermApp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: FsmV2.Hosting.SigtermApp [delay|sleep]
bool blockThread = args is ["sleep", ..];
HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.Services.AddFsmV2(o => o.TickInterval = TimeSpan.FromMilliseconds(50));
builder.Services.AddSingleton(new StuckWorker(blockThread));
builder.Services.AddWorker<StuckWorker, StuckSpec, StuckStatus>("stuck", new StuckSpec());

using (IHost host = builder.Build())
{
    await host.RunAsync();
}

Console.WriteLine(OutputLines.Stopped);
return 0;
