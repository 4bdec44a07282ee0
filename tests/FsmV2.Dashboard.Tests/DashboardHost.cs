using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsmV2.Dashboard.Tests;

/// <summary>The dashboard of one supervisor, served by Kestrel on a real loopback socket (a browser needs one).</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string Path = "/fsmv2";

    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The page's absolute URL, with a trailing slash.</summary>
    public Uri Page => new(Address, Path + "/");

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<DashboardHost> StartAsync(
        Supervisor supervisor,
        TimeProvider time,
        Action<DashboardOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        ILoggerProvider? logs = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddSingleton(supervisor);
        builder.Services.AddSingleton(time);
        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        app.MapFsmV2Dashboard(Path, o =>
        {
            o.RefreshInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(o);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
