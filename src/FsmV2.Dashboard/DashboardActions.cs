using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace FsmV2.Dashboard;

/// <summary>
/// The operator actions, mapped only when <see cref="DashboardOptions.EnableActions"/> is set: every route needs
/// the host's authorization policy, and every state-changing one the anti-forgery token (header
/// <c>RequestVerificationToken</c> with its cookie, from <c>GET api/antiforgery</c>).
/// </summary>
internal static class DashboardActions
{
    /// <summary>The state-changing routes, relative to the dashboard's path.</summary>
    public static readonly string[] Routes = ["/api/restart", "/api/isolate", "/api/close"];

    public static void Map(RouteGroupBuilder group, string policy, Func<Supervisor> supervisor, ILogger logger)
    {
        RouteGroupBuilder actions = group.MapGroup(string.Empty).RequireAuthorization(policy);
        actions.MapGet("/api/antiforgery", (HttpContext http, IAntiforgery antiforgery) =>
        {
            AntiforgeryTokenSet tokens = antiforgery.GetAndStoreTokens(http);
            return Results.Json(new { tokens.HeaderName, Token = tokens.RequestToken }, DashboardEndpointRouteBuilderExtensions.Json);
        }).ExcludeFromDescription();
        actions.MapPost(Routes[0], (HttpContext http, IAntiforgery antiforgery) => Act(http, antiforgery, "restart", logger, (id, _) =>
            supervisor().RestartWorker(id, $"restarted from the dashboard by {User(http)}"))).ExcludeFromDescription();
        actions.MapPost(Routes[1], (HttpContext http, IAntiforgery antiforgery) => Act(http, antiforgery, "isolate", logger, (id, scope) => supervisor().IsolateCircuit(id, scope))).ExcludeFromDescription();
        actions.MapPost(Routes[2], (HttpContext http, IAntiforgery antiforgery) => Act(http, antiforgery, "close", logger, (id, scope) => supervisor().CloseCircuit(id, scope))).ExcludeFromDescription();
    }

    private static async Task<IResult> Act(HttpContext http, IAntiforgery antiforgery, string action, ILogger logger, Func<string, ErrorScope, bool> apply)
    {
        string? id = http.Request.Query["id"];
        if (string.IsNullOrWhiteSpace(id))
        {
            return Results.Problem($"{action}: the query parameter 'id' (the worker's id) is required.", statusCode: StatusCodes.Status400BadRequest);
        }

        string scopeText = http.Request.Query["scope"].ToString();
        if (!TryScope(scopeText, out ErrorScope scope))
        {
            return Results.Problem($"{action} on worker '{id}': the query parameter 'scope' must be Worker or Infrastructure (was '{scopeText}').", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!await antiforgery.IsRequestValidAsync(http).ConfigureAwait(false))
        {
            Log.AntiforgeryRefused(logger, action, id, User(http));
            return Results.Problem($"{action} on worker '{id}': the anti-forgery token is missing or invalid.", statusCode: StatusCodes.Status400BadRequest);
        }

        bool done = apply(id, scope);
        Log.OperatorAction(logger, User(http), action, id, scope.ToString(), done ? "done" : "no such worker or circuit");
        return done
            ? Results.Json(new { Action = action, Id = id, Scope = scope.ToString() }, DashboardEndpointRouteBuilderExtensions.Json)
            : Results.Problem($"{action}: there is no worker '{id}' with a live {scope} circuit.", statusCode: StatusCodes.Status404NotFound);
    }

    private static bool TryScope(string text, out ErrorScope scope)
    {
        scope = ErrorScope.Worker;
        return text.Length == 0 || (Enum.TryParse(text, ignoreCase: true, out scope) && Enum.IsDefined(scope));
    }

    private static string User(HttpContext http) => http.User.Identity?.Name ?? "(anonymous)";
}
