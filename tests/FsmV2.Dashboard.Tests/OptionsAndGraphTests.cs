using System.Xml.Linq;
using Communicator;
using FsmV2.Dashboard.Tests.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Dashboard.Tests;

/// <summary>The options' checks (each names the option) and the state graph's drawing, without a browser.</summary>
public sealed class OptionsAndGraphTests
{
    [Theory]
    [InlineData(10, 20, null, "RefreshInterval")]
    [InlineData(500, -1, null, "TimelineLength")]
    [InlineData(500, 2000, null, "TimelineLength")]
    [InlineData(500, 20, "", "Title")]
    public void A_wrong_option_is_refused_with_its_name(int refreshMs, int timeline, string? title, string option)
    {
        var options = new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(refreshMs), TimelineLength = timeline, Title = title ?? "FsmV2" };
        ArgumentException error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains($"DashboardOptions.{option}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actions_need_a_registered_policy_and_antiforgery()
    {
        WebApplication bare = WebApplication.CreateSlimBuilder().Build();
        ArgumentException noPolicy = Assert.Throws<ArgumentException>(() => bare.MapFsmV2Dashboard("/fsmv2", o => o.EnableActions = true));
        Assert.Contains("DashboardOptions.ActionsPolicy", noPolicy.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => bare.MapFsmV2Dashboard("fsmv2"));

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAuthorization(a => a.AddPolicy("ops", p => p.RequireAuthenticatedUser()));
        builder.Services.AddAntiforgery();
        WebApplication app = builder.Build();
        InvalidOperationException unknown = Assert.Throws<InvalidOperationException>(() => app.MapFsmV2Dashboard("/fsmv2", o =>
        {
            o.EnableActions = true;
            o.ActionsPolicy = "operators";
        }));
        Assert.Contains("'operators' is not a registered authorization policy", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_graph_has_one_node_per_state_and_one_edge_per_declared_transition_in_columns_by_distance()
    {
        WorkerDefinition d = CommunicatorWorker.Definition;
        XElement svg = XElement.Parse(StateGraph.Render(d, 0));
        XNamespace ns = "http://www.w3.org/2000/svg";

        Assert.Equal(d.StateNames, svg.Elements(ns + "g").Select(g => (string)g.Attribute("data-state")!));
        int transitions = Enumerable.Range(0, d.StateCount).Sum(s => d.GetTransitions(s).ToArray().Count(t => t != s));
        Assert.Equal(transitions, svg.Elements(ns + "path").Count());
        int[] layers = StateGraph.Layers(d);
        Assert.Equal(0, layers[d.InitialState]);
        Assert.Equal(1, layers[d.FindState("Authenticating")]);
        Assert.Equal(2, layers[d.FindState("Syncing")]);
        Assert.Contains("initial", (string)svg.Elements(ns + "g").First(g => (string)g.Attribute("data-state")! == "Stopped").Attribute("class")!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_name_is_escaped_in_the_svg()
    {
        var d = new WorkerDefinition("Odd<Type>", ["<b>A</b>", "B&C"], [LifecyclePhase.Stopped, LifecyclePhase.RunningHealthy], [false, true], 0, [[1], []], [], []);
        string svg = StateGraph.Render(d, 3);
        Assert.DoesNotContain("<b>", svg, StringComparison.Ordinal);
        Assert.Equal(2, XElement.Parse(svg).Elements("{http://www.w3.org/2000/svg}g").Count());
        Assert.Contains("data-worker-type=\"Odd&lt;Type&gt;\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_asset_is_embedded_and_nothing_is_loaded_from_elsewhere()
    {
        Assert.Equal(["app.css", "app.js", "index.html"], typeof(DashboardOptions).Assembly.GetManifestResourceNames().Select(n => n["FsmV2.Dashboard.".Length..]).Order());
        Assert.Equal(["app.css", "app.js"], DashboardAssets.Names.Order());
        foreach (string name in typeof(DashboardOptions).Assembly.GetManifestResourceNames())
        {
            using var reader = new StreamReader(typeof(DashboardOptions).Assembly.GetManifestResourceStream(name)!);
            string text = reader.ReadToEnd();
            Assert.DoesNotContain("://", text, StringComparison.Ordinal); // no CDN, no absolute URL of any kind
            Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_page_shows_the_supervisor_and_clock_the_options_name_when_the_container_has_none()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Microsoft.Extensions.Time.Testing.FakeTimeProvider time = TestClock.Clock();
        await using var supervisor = new Supervisor(timeProvider: TimeProvider.System);
        supervisor.AddWorker("only", new SecretWorker(), new SecretSpec("x"));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication app = builder.Build();
        app.MapFsmV2Dashboard("/ops/", o =>
        {
            o.Supervisor = supervisor;
            o.TimeProvider = time;
            o.Title = "Plant <A>";
        });
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(10) };

        string view = await client.GetStringAsync("/ops/api/view", ct);
        string page = await client.GetStringAsync("/ops", ct);
        await app.StopAsync(ct);

        Assert.Contains("\"id\":\"only\"", view, StringComparison.Ordinal);
        Assert.Contains("\"at\":\"2026-01-01T00:00:00+00:00\"", view, StringComparison.Ordinal); // the options' clock
        Assert.Contains("<title>Plant &lt;A&gt; — FsmV2 live page</title>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/ops/assets/app.css\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        var options = new DashboardOptions();
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RefreshInterval);
        Assert.Equal(20, options.TimelineLength);
        Assert.False(options.EnableActions);
        Assert.Null(options.ActionsPolicy);
        Assert.Equal("FsmV2", options.Title);
        options.AddWorkerType(BackendProbeWorker.Definition).AddWorkerType(BackendProbeWorker.Definition);
        Assert.Single(options.WorkerTypes);
    }
}
