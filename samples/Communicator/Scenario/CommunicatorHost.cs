using System.Text.Json;
using FsmV2;
using FsmV2.Dashboard;
using FsmV2.Hosting;
using FsmV2.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Communicator.Scenario;

/// <summary>
/// The sample's application host: the FsmV2 supervisor running the <see cref="CommunicatorWorker"/> as a hosted
/// service, plus OpenTelemetry's Prometheus exporter serving the toolkit's metrics at <c>GET /metrics</c> on a
/// loopback listener. The supervisor gets the container's <c>IMeterFactory</c> from <c>AddFsmV2</c>; the meter
/// provider collects the <c>FsmV2</c> meter through <c>AddFsmV2Instrumentation()</c>. The same listener serves the
/// live page (<c>/fsmv2</c>, read-only, FsmV2.Toolkit.Dashboard) and FsmV2's health checks (<c>/health</c>:
/// <c>AddHealthChecks().AddFsmV2()</c>). It binds port 0
/// by default, so the sample (and <c>--quick</c> in CI) never collides with anything already listening.
/// </summary>
internal static class CommunicatorHost
{
    /// <summary>The communicator's worker id.</summary>
    public const string WorkerId = "communicator";

    /// <summary>The path the Prometheus text is served on.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The path of the live page.</summary>
    public const string DashboardPath = "/fsmv2";

    /// <summary>The path of the health checks.</summary>
    public const string HealthPath = "/health";

    /// <summary>Builds (does not start) the host.</summary>
    /// <param name="spec">The communicator's spec.</param>
    /// <param name="http">The client the communicator talks to the backend with.</param>
    /// <param name="logs">Where every log line goes (the only provider).</param>
    /// <param name="configure">Supervisor options.</param>
    /// <param name="shutdownTimeout">The host's shutdown timeout.</param>
    /// <param name="url">Where /metrics listens; port 0 picks a free port.</param>
    /// <param name="services">Adds more services (more workers, for example) before the host is built.</param>
    /// <param name="store">
    /// A SQLite file for the supervisor's workers (<c>--store</c>), or <see langword="null"/> to keep them in memory.
    /// On a file a previous run wrote, the communicator resumes in its persisted state and failure streak.
    /// </param>
    public static WebApplication Build(
        CommunicatorSpec spec,
        HttpClient http,
        ILoggerProvider logs,
        Action<SupervisorOptions> configure,
        TimeSpan shutdownTimeout,
        string url = "http://127.0.0.1:0",
        Action<IServiceCollection>? services = null,
        string? store = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddSingleton(sp => Resumed(new CommunicatorWorker(http, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CommunicatorWorker>>()), sp));
        builder.Services
            .AddFsmV2(builder.Configuration, configure)
            .AddWorker<CommunicatorWorker, CommunicatorSpec, CommunicatorObservation>(WorkerId, spec);
        if (store is not null)
        {
            // The API key stays out of the file: the spec is written with the key masked.
            builder.Services.UseSqliteStore(store, o => o.UseSerializer<CommunicatorSpec>(s => JsonSerializer.Serialize(s with { ApiKey = "***" })));
        }

        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddFsmV2Instrumentation().AddPrometheusExporter());
        builder.Services.AddHealthChecks().AddFsmV2(); // readiness (circuits, staleness) and liveness (the tick moves)
        services?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapFsmV2Dashboard(DashboardPath, o => o.AddWorkerType(CommunicatorWorker.Definition));
        app.MapHealthChecks(HealthPath);
        return app;
    }

    // The supervisor resumes the worker's state; the worker resumes its failure streak from its last observation.
    private static CommunicatorWorker Resumed(CommunicatorWorker worker, IServiceProvider services)
    {
        if (services.GetService<IWorkerStore>() is SqliteWorkerStore store
            && store.Unclaimed.FirstOrDefault(p => p.Id == WorkerId)?.ObservedJson is { } json
            && JsonSerializer.Deserialize<CommunicatorObservation>(json) is { } last)
        {
            worker.Resume(last);
        }

        return worker;
    }

    /// <summary>The absolute URL of <c>/metrics</c> of a started host.</summary>
    public static Uri MetricsUrl(WebApplication app) => Url(app, MetricsPath);

    /// <summary>The absolute URL of the live page of a started host.</summary>
    public static Uri DashboardUrl(WebApplication app) => Url(app, DashboardPath + "/");

    /// <summary>The absolute URL of <c>/health</c> of a started host.</summary>
    public static Uri HealthUrl(WebApplication app) => Url(app, HealthPath);

    /// <summary>What the sample prints once its host has started: where its metrics, live page and health checks are.</summary>
    public static IEnumerable<string> Describe(WebApplication app) =>
    [
        $"metrics: {MetricsUrl(app)} (Prometheus text, while the sample runs)",
        $"live page: {DashboardUrl(app)} (the worker tree, its circuits and state graph, live)",
        $"health: {HealthUrl(app)} (Healthy, Degraded or Unhealthy)",
    ];

    private static Uri Url(WebApplication app, string path)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(new Uri(address), path);
    }
}
