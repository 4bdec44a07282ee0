using System.Diagnostics;
using Communicator;
using Communicator.Backend;
using Communicator.Scenario;
using FsmV2.Communicator.Tests.Workers;
using FsmV2.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// The sample's host serves the toolkit's metrics as Prometheus text at <c>GET /metrics</c>. The test starts that
/// host (the communicator against a loopback demo backend) with a few more workers that misbehave on purpose, so
/// that the instruments that only move on failures — timeouts, collector errors, stale observations, open
/// circuits, escalations, infrastructure recoveries, restarts — have measurements: OpenTelemetry's Prometheus
/// exporter prints an instrument only once it has recorded something. It scrapes over HTTP until every name is
/// there (bounded), then checks the kinds.
/// </summary>
public class MetricsEndpointTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_prometheus_names_are_the_documented_ones()
    {
        string[] expected =
        [
            "fsmv2_circuit_open", "fsmv2_infrastructure_recovery_total", "fsmv2_action_execution_duration_seconds",
            "fsmv2_action_timeout_total", "fsmv2_children_count", "fsmv2_reconciliation_duration_seconds",
            "fsmv2_template_rendering_duration_seconds", "fsmv2_worker_pool_utilization", "fsmv2_action_queued_total",
            "fsmv2_action_completed_total", "fsmv2_escalations_total", "fsmv2_state_transitions_total",
            "fsmv2_observation_stale_total", "fsmv2_collector_errors_total", "fsmv2_action_queue_depth", "fsmv2_restarts_total",
            "fsmv2_child_lifecycle_transitions_total", "fsmv2_store_pending_writes",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), PrometheusNames.All.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_sample_host_serves_every_instrument_at_metrics()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using DemoBackend backend = await DemoBackend.StartAsync(ct: ct);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var logs = new FakeLogCollector();
        var trouble = new Trouble();
        var spec = new CommunicatorSpec
        {
            Backend = backend.Address,
            ApiKey = backend.ApiKey,
            RequestTimeout = TimeSpan.FromSeconds(1),
            PollInterval = TimeSpan.FromMilliseconds(200),
            BackoffBase = TimeSpan.FromMilliseconds(100),
            BackoffCap = TimeSpan.FromSeconds(1),
            TokenRefreshMargin = TimeSpan.FromMilliseconds(500),
        };
        int flakyCreated = 0;
        var kids = new ChildSpecs<ParentWorker>().Add(FlakyChildWorker.AsChild(
            "flaky",
            new TroubleSpec(trouble),
            () => new FlakyChildWorker { Failing = Interlocked.Increment(ref flakyCreated) == 1 }))
            .Add(FlakyChildWorker.AsTemplatedChild( // rendering a templated child records the template histogram
                "templated",
                new Dictionary<string, string?> { ["label"] = "{{ site }}" },
                new VariableBundle(user: new Dictionary<string, object?> { ["site"] = "plant-a" }),
                _ => new TroubleSpec(trouble)));

        await using WebApplication host = CommunicatorHost.Build(
            spec,
            http,
            new FakeLoggerProvider(logs),
            o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(20);
                o.CollectInterval = TimeSpan.FromMilliseconds(50);
                o.CollectTimeout = TimeSpan.FromSeconds(1);
                o.StaleAfter = TimeSpan.FromMilliseconds(300);
                o.ShutdownTimeout = TimeSpan.FromSeconds(5);
                o.Circuit = new CircuitBreakerOptions
                {
                    MaxAttempts = 2, // the second failed probe escalates
                    Backoff = new BackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = JitterMode.None },
                };
            },
            TimeSpan.FromSeconds(10),
            services: s => s
                .AddWorker<DeafWorker, TroubleSpec, TroubleSeen>("deaf", new TroubleSpec(trouble))
                .AddWorker<ThrowingWorker, TroubleSpec, TroubleSeen>("throwing", new TroubleSpec(trouble))
                .AddWorker<BlindWorker, TroubleSpec, TroubleSeen>("blind", new TroubleSpec(trouble))
                .AddWorker<ParentWorker, ParentSpec, TroubleSeen>("parent", new ParentSpec(kids)));
        await host.StartAsync(ct);
        Uri url = CommunicatorHost.MetricsUrl(host);
        Assert.True(url.IsLoopback, $"/metrics must listen on loopback, not {url}");

        // Poll the endpoint until every recordable instrument shows up (or the bound passes).
        string[] wanted = [.. PrometheusNames.All.Keys];
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        string text = string.Empty;
        string[] missing = wanted;
        while (watch.Elapsed < Bound && await poll.WaitForNextTickAsync(ct))
        {
            using HttpResponseMessage response = await scraper.GetAsync(url, ct);
            Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode}");
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
            text = await response.Content.ReadAsStringAsync(ct);
            missing = [.. wanted.Where(n => !HasSamples(text, n))];
            if (missing.Length == 0)
            {
                break;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"GET {url} after {watch.Elapsed.TotalSeconds:0.00} s:\n{text}");
        Assert.True(missing.Length == 0, $"not scraped within {Bound.TotalSeconds} s: {string.Join(", ", missing)}\n--- last scrape:\n{text}");
        foreach ((string name, PrometheusNames.Kind kind) in PrometheusNames.All)
        {
            Assert.Contains($"# TYPE {name} {kind.ToString().ToLowerInvariant()}\n", text, StringComparison.Ordinal);
        }

        Assert.Contains("fsmv2_action_completed_total{", text, StringComparison.Ordinal);
        Assert.Contains("worker_type=\"CommunicatorWorker\"", text, StringComparison.Ordinal);

        // Everything recovers and stops gracefully once the trouble is over.
        trouble.On = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(Bound);
        await host.StopAsync(stop.Token);
        Assert.Equal(0, host.Services.GetRequiredService<Supervisor>().Count);
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.StartsWith("ESCALATION: throwing (ThrowingWorker)", StringComparison.Ordinal));
        Assert.Contains(logs.GetSnapshot(), r => r.Message.StartsWith("Circuit CLOSED for parent (ParentWorker); error scope Infrastructure", StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="text"/> has a sample of <paramref name="name"/> (or of its histogram series).</summary>
    private static bool HasSamples(string text, string name) =>
        text.Split('\n').Any(line => !line.StartsWith('#') && (Sample(line, name) || Sample(line, name + "_bucket")));

    private static bool Sample(string line, string name) =>
        line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is '{' or ' ';
}
