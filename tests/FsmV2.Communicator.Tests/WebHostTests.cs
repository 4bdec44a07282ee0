using System.Net;
using System.Text.Json;
using Communicator;
using Communicator.Backend;
using Communicator.Scenario;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Communicator.Tests;

/// <summary>The sample's host serves the live page and <c>/health</c> beside <c>/metrics</c>, and says where.</summary>
public class WebHostTests
{
    [Fact]
    public async Task The_sample_host_prints_and_serves_its_live_page_and_health_urls()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using DemoBackend backend = await DemoBackend.StartAsync(ct: ct);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var spec = new CommunicatorSpec { Backend = backend.Address, ApiKey = backend.ApiKey };
        await using WebApplication host = CommunicatorHost.Build(spec, http, new FakeLoggerProvider(new FakeLogCollector()), _ => { }, TimeSpan.FromSeconds(5));
        await host.StartAsync(ct);

        Uri page = CommunicatorHost.DashboardUrl(host);
        Uri health = CommunicatorHost.HealthUrl(host);
        string[] lines = [.. CommunicatorHost.Describe(host)];
        Assert.Contains(lines, l => l.StartsWith($"live page: {page} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"health: {health} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"metrics: {CommunicatorHost.MetricsUrl(host)} ", StringComparison.Ordinal));
        Assert.True(page.IsLoopback && health.IsLoopback, "the sample listens on loopback only");
        Assert.NotEqual(0, page.Port); // port 0 was asked for: the host picked a free one

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string html = await client.GetStringAsync(page, ct);
        Assert.Contains("<title>FsmV2 — FsmV2 live page</title>", html, StringComparison.Ordinal);
        using JsonDocument view = JsonDocument.Parse(await client.GetStringAsync(new Uri(page, "api/view"), ct));
        Assert.Contains(view.RootElement.GetProperty("workers").EnumerateArray(), w => w.GetProperty("id").GetString() == CommunicatorHost.WorkerId);
        Assert.DoesNotContain(backend.ApiKey, view.RootElement.GetRawText(), StringComparison.Ordinal);
        string graphs = await client.GetStringAsync(new Uri(page, "api/graphs"), ct);
        Assert.Contains("CommunicatorWorker", graphs, StringComparison.Ordinal);

        using HttpResponseMessage answer = await client.GetAsync(health, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Healthy", await answer.Content.ReadAsStringAsync(ct));
    }
}
