using System.Text.RegularExpressions;
using Communicator;
using Communicator.Backend;
using FsmV2.Communicator.Tests;
using FsmV2.Dashboard.Tests.Workers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FsmV2.Dashboard.Tests;

/// <summary>
/// The live page in a real headless chromium: the sample's communicator (on a fake clock, against the real demo
/// backend) with a backend probe beside it. The test moves the supervisor; the page follows through its event
/// stream, and Playwright's expectations wait for it (bounded: they fail instead of hanging).
/// </summary>
public sealed class PageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string ProbeId = "backend-probe";

    /// <summary>How long a page may take for its first view (a cold browser and server).</summary>
    private static readonly LocatorAssertionsToHaveTextOptions FirstView = new() { Timeout = 15_000 };

    /// <summary>The promise of the issue: a change shows within 2 s, without a reload.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 2_000 };

    [Fact]
    public async Task The_page_lists_the_sample_tree_with_each_worker_state()
    {
        await using Rig rig = await Rig.StartAsync();
        IPage page = await rig.OpenAsync(browser.Browser);

        await Expect(page.Locator("#tree tbody tr")).ToHaveCountAsync(2, new() { Timeout = 15_000 });
        await Expect(Cell(page, CommunicatorHarness.Id, "state")).ToHaveTextAsync("Syncing", FirstView);
        await Expect(Cell(page, CommunicatorHarness.Id, "type")).ToHaveTextAsync("CommunicatorWorker");
        await Expect(Cell(page, CommunicatorHarness.Id, "phase")).ToHaveTextAsync("RunningHealthy");
        await Expect(Cell(page, CommunicatorHarness.Id, "fault")).ToHaveAttributeAsync("data-circuit", "Closed");
        await Expect(Cell(page, ProbeId, "state")).ToHaveTextAsync("Up");
        await Expect(Cell(page, ProbeId, "reason")).ToHaveTextAsync("the backend answers");
        await Expect(Cell(page, ProbeId, "age")).ToHaveTextAsync(new Regex(@"^\d+ ms$"));
        await Expect(page.Locator("#health")).ToHaveTextAsync("Healthy");

        // Each worker's flight-recorder timeline: the communicator's decisions that brought it to Syncing.
        ILocator details = page.Locator($"#details details[data-worker-id='{CommunicatorHarness.Id}']");
        await details.Locator("summary").ClickAsync();
        ILocator timeline = details.Locator("table.timeline");
        await Expect(timeline.Locator("tr").Filter(new() { HasText = "Goto" })).ToContainTextAsync(["StoppedGotoAuthenticating", "AuthenticatingGotoSyncing"]);
        await Expect(details.Locator("pre.spec")).ToHaveTextAsync(DashboardViewBuilder.Redacted);
    }

    [Fact]
    public async Task A_backend_outage_shows_the_open_circuit_and_Degraded_within_2_s_without_a_reload()
    {
        await using Rig rig = await Rig.StartAsync();
        IPage page = await rig.OpenAsync(browser.Browser);
        await Expect(Cell(page, CommunicatorHarness.Id, "state")).ToHaveTextAsync("Syncing", FirstView);
        int loads = 0;
        page.Load += (_, _) => loads++;

        rig.Harness.Backend.Faults.Mode = FaultKind.Down;
        await rig.Harness.RunUntilAsync(
            () => rig.Harness.State == "Degraded" && rig.Harness.Supervisor.GetStatus(ProbeId)?.FaultCircuit == CircuitState.Open,
            "communicator Degraded and the probe's circuit open");

        await Expect(Cell(page, CommunicatorHarness.Id, "state")).ToHaveTextAsync("Degraded", Live);
        await Expect(Cell(page, ProbeId, "fault")).ToHaveAttributeAsync("data-circuit", "Open", new() { Timeout = 2_000 });
        await Expect(Cell(page, ProbeId, "fault")).ToHaveTextAsync(new Regex("^Open attempt 1/5"), Live);
        await Expect(page.Locator("#health")).ToHaveTextAsync("Degraded", Live);
        await Expect(page.Locator("#health-workers")).ToHaveTextAsync(ProbeId, Live);
        Assert.Equal(0, loads);

        await Screenshot(page);
    }

    [Fact]
    public async Task The_graph_of_a_worker_type_renders_with_the_current_state_highlighted()
    {
        await using Rig rig = await Rig.StartAsync();
        IPage page = await rig.OpenAsync(browser.Browser);
        ILocator graph = page.Locator("figure[data-worker-type='CommunicatorWorker'] svg.fsm-graph");

        await Expect(graph.Locator("g.state")).ToHaveCountAsync(CommunicatorWorker.Definition.StateCount, new() { Timeout = 15_000 });
        await Expect(graph.Locator("path.edge")).ToHaveCountAsync(Transitions(CommunicatorWorker.Definition));
        await Expect(graph.Locator("g.state.current")).ToHaveAttributeAsync("data-state", "Syncing", new() { Timeout = 15_000 });
        await Expect(graph.Locator("g.state.current")).ToHaveCountAsync(1);

        rig.Harness.Backend.Faults.Mode = FaultKind.Down;
        await rig.Harness.RunUntilStateAsync("Degraded");
        await Expect(graph.Locator("g.state.current")).ToHaveAttributeAsync("data-state", "Degraded", new() { Timeout = 2_000 });
        await Expect(graph.Locator("g.state.current")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task With_actions_enabled_an_operator_isolates_and_closes_a_circuit_from_the_page()
    {
        await using Rig rig = await Rig.StartAsync(o =>
        {
            o.EnableActions = true;
            o.ActionsPolicy = "fsmv2-operators";
        });
        IPage page = await rig.OpenAsync(browser.Browser, new Dictionary<string, string> { [HeaderAuthentication.Header] = "alice:operator" });
        ILocator fault = Cell(page, ProbeId, "fault");
        await Expect(fault).ToHaveAttributeAsync("data-circuit", "Closed", new() { Timeout = 15_000 });

        await page.Locator($"#tree tr[data-worker-id='{ProbeId}'] button[data-action='isolate']").ClickAsync();
        await Expect(fault).ToHaveTextAsync(new Regex(@"^Open \(isolated\)"), Live);
        Assert.True(rig.Harness.Supervisor.GetCircuits(ProbeId)!.Fault.IsIsolated);

        await page.Locator($"#tree tr[data-worker-id='{ProbeId}'] button[data-action='close']").ClickAsync();
        await Expect(fault).ToHaveAttributeAsync("data-circuit", "Closed", new() { Timeout = 2_000 });
        Assert.False(rig.Harness.Supervisor.GetCircuits(ProbeId)!.Fault.IsIsolated);
    }

    private static ILocator Cell(IPage page, string id, string cell) => page.Locator($"#tree tr[data-worker-id='{id}'] td.cell-{cell}");

    private static int Transitions(WorkerDefinition d) =>
        Enumerable.Range(0, d.StateCount).Sum(s => d.GetTransitions(s).ToArray().Count(t => t != s));

    // Every run writes it next to the tests; FSMV2_UPDATE_SCREENSHOT=1 also refreshes the README's copy in docs/.
    private static async Task Screenshot(IPage page)
    {
        string file = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        byte[] png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(new FileInfo(file).Length > 10_000, "the screenshot is suspiciously small");
        if (Environment.GetEnvironmentVariable("FSMV2_UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(file, Repository.PathOf("docs/images/dashboard.png"), overwrite: true);
        }
    }

    /// <summary>The communicator harness plus a backend probe, in Syncing, with the dashboard served.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(CommunicatorHarness harness, DashboardHost host)
        {
            Harness = harness;
            Host = host;
        }

        public CommunicatorHarness Harness { get; }

        public DashboardHost Host { get; }

        public static async Task<Rig> StartAsync(Action<DashboardOptions>? configure = null)
        {
            CommunicatorHarness h = await CommunicatorHarness.StartAsync();
            h.Supervisor.AddWorker(ProbeId, new BackendProbeWorker(), new ProbeSpec(() => h.Backend.Faults.Mode != FaultKind.Down));
            await h.RunUntilAsync(() => h.State == "Syncing" && h.Supervisor.GetStatus(ProbeId)?.CollectedAt is not null, "Syncing, and the probe has observed");
            DashboardHost host = await DashboardHost.StartAsync(
                h.Supervisor,
                h.Time,
                o =>
                {
                    o.AddWorkerType(CommunicatorWorker.Definition).AddWorkerType(BackendProbeWorker.Definition);
                    configure?.Invoke(o);
                },
                services => HeaderAuthentication.AddOperators(services, "fsmv2-operators"));
            return new Rig(h, host);
        }

        private IPage? _page;

        public async Task<IPage> OpenAsync(IBrowser browser, Dictionary<string, string>? headers = null)
        {
            _page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 900 }, ExtraHTTPHeaders = headers });
            await _page.GotoAsync(Host.Page.ToString());
            return _page;
        }

        public async ValueTask DisposeAsync()
        {
            if (_page is not null)
            {
                await _page.CloseAsync();
            }

            await Host.DisposeAsync();
            await Harness.DisposeAsync();
        }
    }
}
