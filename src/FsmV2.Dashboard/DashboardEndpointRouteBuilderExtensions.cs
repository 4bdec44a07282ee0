using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsmV2.Dashboard;

/// <summary>Maps the FsmV2 live page onto an ASP.NET Core application.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Serves the live page of the container's <see cref="Supervisor"/> at <paramref name="path"/>, read-only: the
    /// worker tree, each worker's circuits and restarts, and the state graphs of the types added with
    /// <see cref="DashboardOptions.AddWorkerType"/>, updated through Server-Sent Events.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="path">Where the page is served, for example <c>/fsmv2</c>.</param>
    /// <returns>The route group of every dashboard endpoint, to add conventions (for example <c>RequireAuthorization</c> for the whole page).</returns>
    public static RouteGroupBuilder MapFsmV2Dashboard(this IEndpointRouteBuilder endpoints, string path) =>
        MapFsmV2Dashboard(endpoints, path, static _ => { });

    /// <summary>
    /// Serves the live page at <paramref name="path"/> as <paramref name="configure"/> sets it up: which supervisor,
    /// which state graphs, how often it refreshes, and whether the operator actions are mapped (behind the
    /// authorization policy <see cref="DashboardOptions.ActionsPolicy"/> and the anti-forgery token).
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="path">Where the page is served, for example <c>/fsmv2</c>.</param>
    /// <param name="configure">Sets the options up.</param>
    /// <returns>The route group of every dashboard endpoint.</returns>
    /// <exception cref="ArgumentException">The path does not start with '/', or an option is wrong (the message names it).</exception>
    /// <exception cref="InvalidOperationException">Actions are enabled but anti-forgery or the named policy is not registered.</exception>
    public static RouteGroupBuilder MapFsmV2Dashboard(this IEndpointRouteBuilder endpoints, string path, Action<DashboardOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"The dashboard path must start with '/' (was '{path}').", nameof(path));
        }

        var options = new DashboardOptions();
        configure(options);
        options.Validate();
        IServiceProvider services = endpoints.ServiceProvider;
        if (options.EnableActions)
        {
            CheckActionServices(services, options.ActionsPolicy!);
        }

        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger("FsmV2.Dashboard") ?? NullLogger.Instance;
        var view = new Lazy<DashboardViewBuilder>(() => new DashboardViewBuilder(
            options.Supervisor ?? services.GetRequiredService<Supervisor>(),
            options,
            options.TimeProvider ?? services.GetService<TimeProvider>() ?? TimeProvider.System,
            logger));
        string route = path.TrimEnd('/');
        RouteGroupBuilder group = endpoints.MapGroup(route);
        MapPage(group, route, options, view, services);
        if (options.EnableActions)
        {
            DashboardActions.Map(group, options.ActionsPolicy!, () => view.Value.Supervisor, logger);
        }

        Log.Mapped(logger, route.Length == 0 ? "/" : route, options.EnableActions ? $"enabled (policy '{options.ActionsPolicy}')" : "disabled (read-only)");
        return group;
    }

    private static void MapPage(RouteGroupBuilder group, string route, DashboardOptions options, Lazy<DashboardViewBuilder> view, IServiceProvider services)
    {
        string graphs = JsonSerializer.Serialize(
            options.WorkerTypes.Select((d, i) => new { d.WorkerType, Svg = StateGraph.Render(d, i) }).ToArray(), Json);
        group.MapGet("/", (HttpContext http) => DashboardAssets.Page(http.Request.PathBase + route, options.Title)).ExcludeFromDescription();
        group.MapGet("/assets/{name}", (string name) => DashboardAssets.Asset(name)).ExcludeFromDescription();
        group.MapGet("/api/view", () => Results.Text(JsonSerializer.Serialize(view.Value.Build(), Json), "application/json")).ExcludeFromDescription();
        group.MapGet("/api/graphs", () => Results.Text(graphs, "application/json")).ExcludeFromDescription();
        group.MapGet("/api/events", (HttpContext http) =>
        {
            IHostApplicationLifetime? lifetime = services.GetService<IHostApplicationLifetime>();
            return TypedResults.ServerSentEvents(Stream(view.Value, options.RefreshInterval, http.RequestAborted, lifetime?.ApplicationStopping ?? CancellationToken.None), "view");
        }).ExcludeFromDescription();
    }

    // One view at once, then one per refresh interval, until the page goes away or the host stops.
    private static async IAsyncEnumerable<string> Stream(DashboardViewBuilder view, TimeSpan every, CancellationToken aborted, [EnumeratorCancellation] CancellationToken stopping = default)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        using var timer = new PeriodicTimer(every);
        yield return JsonSerializer.Serialize(view.Build(), Json);
        while (await Tick(timer, both.Token).ConfigureAwait(false))
        {
            yield return JsonSerializer.Serialize(view.Build(), Json);
        }
    }

    private static async ValueTask<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void CheckActionServices(IServiceProvider services, string policy)
    {
        if (services.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException("DashboardOptions.EnableActions: the operator actions need anti-forgery; call services.AddAntiforgery().");
        }

        IAuthorizationPolicyProvider? policies = services.GetService<IAuthorizationPolicyProvider>();
        if (policies is null)
        {
            throw new InvalidOperationException($"DashboardOptions.EnableActions: the operator actions need authorization; call services.AddAuthorization() and add the policy '{policy}'.");
        }

        if (policies.GetPolicyAsync(policy).GetAwaiter().GetResult() is null)
        {
            throw new InvalidOperationException($"DashboardOptions.ActionsPolicy: '{policy}' is not a registered authorization policy.");
        }
    }
}
