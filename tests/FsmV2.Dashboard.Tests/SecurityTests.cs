using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Communicator;
using FsmV2.Dashboard.Tests.Workers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Dashboard.Tests;

/// <summary>
/// The page over plain HTTP: no state-changing route unless actions are enabled; when they are, the host's policy
/// and the anti-forgery token guard every one, and a refused request changes nothing; specs are redacted unless
/// their type opts in.
/// </summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private const string Policy = "fsmv2-operators";
    private const string Secret = "Server=db;Password=hunter2-not-for-the-page";
    private const string Hidden = "also-never-on-the-page";
    private const string ApiKey = "communicator-api-key-0123456789";

    private static readonly string[] StateChangingRoutes = ["api/restart", "api/isolate", "api/close", "api/antiforgery", "", "api/view", "api/events", "api/graphs"];
    private static readonly HttpMethod[] Writes = [HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch];

    private readonly FakeTimeProvider _time = TestClock.Clock();
    private readonly HttpClient _http = new();
    private readonly FakeLogCollector _logs = new();
    private readonly Supervisor _supervisor;

    public SecurityTests() => _supervisor = new Supervisor(new SupervisorOptions { ShutdownTimeout = TimeSpan.FromSeconds(1) }, _time);

    public ValueTask InitializeAsync()
    {
        _supervisor.AddWorker("secret", new SecretWorker(), new SecretSpec(Secret));
        _supervisor.AddWorker("open", new OpenWorker(), new OpenSpec("eu-west", Hidden));
        _supervisor.AddWorker("communicator", new CommunicatorWorker(_http, _time, NullLogger<CommunicatorWorker>.Instance), new CommunicatorSpec { Backend = new Uri("http://127.0.0.1:9/"), ApiKey = ApiKey });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        // The supervisor runs on the fake clock: its shutdown moves only as the clock does.
        await _time.AdvanceUntilAsync(_supervisor.ShutdownAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        _http.Dispose();
    }

    [Fact]
    public async Task With_actions_disabled_every_state_changing_request_answers_404_or_405()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(_supervisor, _time);
        using var client = new HttpClient { BaseAddress = host.Page };
        foreach (string route in StateChangingRoutes)
        {
            foreach (HttpMethod method in Writes)
            {
                using HttpResponseMessage response = await client.SendAsync(new HttpRequestMessage(method, route + "?id=secret"), TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{method} {route}: {response.StatusCode}");
            }
        }

        using HttpResponseMessage token = await client.GetAsync("api/antiforgery", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
        Assert.False(IsIsolated("secret"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    public async Task With_actions_enabled_an_unauthenticated_or_unauthorised_request_is_refused_and_changes_nothing(string? role, HttpStatusCode expected)
    {
        await using DashboardHost host = await StartWithActionsAsync();
        using Operator op = new(host, role);
        await op.FetchTokenAsync(expectOk: false);
        foreach (string action in new[] { "restart", "isolate", "close" })
        {
            using HttpResponseMessage response = await op.PostAsync($"api/{action}?id=secret", withToken: false);
            Assert.Equal(expected, response.StatusCode);
        }

        _supervisor.Tick();
        Assert.False(IsIsolated("secret"));
        Assert.Equal(0, _supervisor.GetStatus("secret")!.RestartCount);
    }

    [Fact]
    public async Task An_authorised_request_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        await using DashboardHost host = await StartWithActionsAsync();
        using Operator op = new(host, "operator");
        await op.FetchTokenAsync(expectOk: true); // the cookie half alone is not enough
        using HttpResponseMessage isolate = await op.PostAsync("api/isolate?id=secret", withToken: false);
        using HttpResponseMessage restart = await op.PostAsync("api/restart?id=secret", withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, isolate.StatusCode);
        Assert.Contains("anti-forgery", await isolate.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, restart.StatusCode);
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Id == 77 && r.Message.Contains("isolate on worker secret from alice", StringComparison.Ordinal));
        _supervisor.Tick();
        Assert.False(IsIsolated("secret"));
        Assert.Equal(0, _supervisor.GetStatus("secret")!.RestartCount);
    }

    [Fact]
    public async Task An_authorised_request_with_the_token_isolates_closes_and_restarts()
    {
        await using DashboardHost host = await StartWithActionsAsync();
        using Operator op = new(host, "operator");
        await op.FetchTokenAsync(expectOk: true);

        using (HttpResponseMessage r = await op.PostAsync("api/isolate?id=secret", withToken: true))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.True(IsIsolated("secret"));
        using (HttpResponseMessage r = await op.PostAsync("api/close?id=secret&scope=Worker", withToken: true))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.False(IsIsolated("secret"));
        using (HttpResponseMessage r = await op.PostAsync("api/restart?id=secret", withToken: true))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        _supervisor.Tick();
        WorkerStatus status = _supervisor.GetStatus("secret")!;
        Assert.Equal(1, status.RestartCount);
        Assert.Contains("restarted from the dashboard by alice", status.RestartHistory[^1].Reason, StringComparison.Ordinal);
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Id == 75 && r.Message.Contains("mapped at /fsmv2; operator actions enabled (policy 'fsmv2-operators')", StringComparison.Ordinal));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Id == 76 && r.Message.Contains("operator alice: isolate on worker secret (Worker) — done", StringComparison.Ordinal));

        // The page shows the restart and its history.
        using (JsonDocument view = JsonDocument.Parse(await op.GetStringAsync("api/view")))
        {
            JsonElement row = view.RootElement.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("id").GetString() == "secret");
            Assert.Equal(1, row.GetProperty("restartCount").GetInt32());
            Assert.Contains("restarted from the dashboard by alice", row.GetProperty("restartHistory")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        using HttpResponseMessage missing = await op.PostAsync("api/isolate?id=nobody", withToken: true);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using HttpResponseMessage badScope = await op.PostAsync("api/isolate?id=secret&scope=Everything", withToken: true);
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        Assert.Contains("'scope'", await badScope.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_secret_from_a_spec_reaches_the_page_unless_its_type_opts_in()
    {
        await using DashboardHost host = await DashboardHost.StartAsync(_supervisor, _time);
        using var client = new HttpClient { BaseAddress = host.Page };
        string page = await client.GetStringAsync(string.Empty, TestContext.Current.CancellationToken);
        string view = await client.GetStringAsync("api/view", TestContext.Current.CancellationToken);
        string stream = await FirstEventAsync(client);

        foreach (string text in new[] { page, view, stream })
        {
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Hidden, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey, text, StringComparison.Ordinal);
        }

        using JsonDocument json = JsonDocument.Parse(view);
        Dictionary<string, string> specs = json.RootElement.GetProperty("workers").EnumerateArray()
            .ToDictionary(w => w.GetProperty("id").GetString()!, w => w.GetProperty("spec").GetString()!);
        Assert.Equal(DashboardViewBuilder.Redacted, specs["secret"]);
        Assert.Equal(DashboardViewBuilder.Redacted, specs["communicator"]);
        Assert.Contains("\"region\": \"eu-west\"", specs["open"], StringComparison.Ordinal);
        Assert.Contains("eu-west", stream, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_event_stream_does_not_hold_up_the_host_s_stop()
    {
        // The host would wait 10 minutes for open requests; the stream ends on ApplicationStopping instead.
        DashboardHost host = await DashboardHost.StartAsync(_supervisor, _time, services: s => s.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        using var client = new HttpClient { BaseAddress = host.Page };
        using HttpResponseMessage response = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith("event: view", await reader.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken); // a bound that fails instead of hanging
        await reader.ReadToEndAsync(TestContext.Current.CancellationToken); // the stream has ended: this returns
    }

    private static async Task<string> FirstEventAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        string? line;
        while ((line = await reader.ReadLineAsync(TestContext.Current.CancellationToken)) is not null)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException("the event stream ended without an event");
    }

    private bool IsIsolated(string id) => _supervisor.GetCircuits(id)!.Fault.IsIsolated;

    private Task<DashboardHost> StartWithActionsAsync() =>
        DashboardHost.StartAsync(
            _supervisor,
            _time,
            o =>
            {
                o.EnableActions = true;
                o.ActionsPolicy = Policy;
            },
            services => HeaderAuthentication.AddOperators(services, Policy),
            new FakeLoggerProvider(_logs));

    /// <summary>An HTTP client with cookies, signed in as alice with <c>role</c> (or anonymous when it is null).</summary>
    private sealed class Operator : IDisposable
    {
        private readonly HttpClient _client;
        private string? _header;
        private string? _token;

        public Operator(DashboardHost host, string? role)
        {
            _client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = host.Page, Timeout = TimeSpan.FromSeconds(20) };
            if (role is not null)
            {
                _client.DefaultRequestHeaders.Add(HeaderAuthentication.Header, $"alice:{role}");
            }
        }

        public async Task FetchTokenAsync(bool expectOk)
        {
            using HttpResponseMessage response = await _client.GetAsync("api/antiforgery", TestContext.Current.CancellationToken);
            Assert.Equal(expectOk, response.IsSuccessStatusCode);
            if (expectOk)
            {
                using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
                _header = json.RootElement.GetProperty("headerName").GetString();
                _token = json.RootElement.GetProperty("token").GetString();
            }
        }

        public Task<HttpResponseMessage> PostAsync(string route, bool withToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, route);
            if (withToken)
            {
                request.Headers.Add(_header!, _token);
            }

            return _client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        public Task<string> GetStringAsync(string route) => _client.GetStringAsync(route, TestContext.Current.CancellationToken);

        public void Dispose() => _client.Dispose();
    }
}
