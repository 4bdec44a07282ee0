using FsmV2.Dashboard.Tests.Workers;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Dashboard.Tests;

/// <summary>What the page is sent (the view), on a supervisor moved by a fake clock: the header's health and the rows.</summary>
public sealed class ViewTests : IAsyncLifetime
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly FakeTimeProvider _time = TestClock.Clock();
    private readonly FakeLogCollector _logs = new();
    private Supervisor _supervisor = null!;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_supervisor is not null)
        {
            await _time.AdvanceUntilAsync(_supervisor.ShutdownAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task An_escalated_circuit_makes_the_page_Unhealthy_and_names_the_worker()
    {
        Start(new SupervisorOptions { Circuit = new CircuitBreakerOptions { MaxAttempts = 1 } });
        _supervisor.AddWorker("ok", new SecretWorker(), new SecretSpec("x"));
        _supervisor.AddWorker("broken", new FailingWorker(), new Nothing());

        DashboardView view = await StepUntilAsync(v => v.Health == "Unhealthy");

        Assert.Equal(["broken"], view.HealthWorkers);
        WorkerView broken = view.Workers.Single(w => w.Id == "broken");
        Assert.True(broken.Fault.Escalated);
        Assert.Equal("Open", broken.Fault.State);
        Assert.Contains("broken on purpose", broken.LastFault, StringComparison.Ordinal);
        Assert.Equal("Healthy", Health(view, "ok"));
    }

    [Fact]
    public async Task A_stale_observation_makes_the_page_Degraded_and_marks_the_row()
    {
        Start(new SupervisorOptions { StaleAfter = TimeSpan.FromMilliseconds(500), CollectTimeout = TimeSpan.FromSeconds(10) });
        _supervisor.AddWorker("silent", new SilentWorker(), new Nothing());

        DashboardView view = await StepUntilAsync(v => v.Workers[0].IsStale);

        Assert.Equal("Degraded", view.Health);
        Assert.Equal(["silent"], view.HealthWorkers);
        Assert.Equal("Closed", view.Workers[0].Fault.State); // stale alone, not a fault
        Assert.True(view.Workers[0].ObservationAgeMs >= 500);
    }

    [Fact]
    public async Task A_child_is_a_row_below_its_parent_and_a_parent_shows_its_infrastructure_circuit()
    {
        Start(new SupervisorOptions());
        _supervisor.AddWorker("line", new LineWorker(), new LineSpec([CellWorker.AsChild("cell", new Nothing())]));

        DashboardView view = await StepUntilAsync(v => v.Workers.Count == 2 && v.Workers[1].State == "Working");

        Assert.Equal(["line", "line/cell"], view.Workers.Select(w => w.Id));
        Assert.Equal([0, 1], view.Workers.Select(w => w.Depth));
        Assert.Equal("cell", view.Workers[1].Name);
        Assert.Equal("Running", view.Workers[1].Lifecycle);
        Assert.Equal("Closed", view.Workers[0].Infrastructure?.State);
        Assert.Null(view.Workers[1].Infrastructure);
        Assert.Equal("Healthy", view.Health);
    }

    [Fact]
    public async Task The_page_gives_the_readiness_verdict_a_supervisor_shutting_down_is_Unhealthy()
    {
        Start(new SupervisorOptions());
        _supervisor.AddWorker("ok", new SecretWorker(), new SecretSpec("x"));
        DashboardView running = await StepUntilAsync(v => v.Workers[0].ObservationAgeMs is not null);
        Assert.Equal("Healthy", running.Health);

        Task shutdown = _supervisor.ShutdownAsync(TestContext.Current.CancellationToken); // pending until the fake clock moves
        DashboardView view = Builder().Build();

        Assert.Equal("Unhealthy", view.Health);
        Assert.Equal("the supervisor is shutting down", view.HealthDescription);
        Assert.Empty(view.HealthWorkers);
        Assert.Equal(_supervisor.GetHealth().Status.ToString(), view.Health);
        await _time.AdvanceUntilAsync(shutdown, TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void A_spec_that_opts_in_but_cannot_be_written_is_named_and_logged()
    {
        Start(new SupervisorOptions());
        _supervisor.AddWorker("unwritable", new UnwritableWorker(), new UnwritableSpec());

        DashboardView view = Builder().Build();

        Assert.StartsWith("(not serialisable: ", view.Workers[0].Spec, StringComparison.Ordinal);
        FakeLogRecord log = Assert.Single(_logs.GetSnapshot(), r => r.Id.Id == 78);
        Assert.Contains("unwritable", log.Message, StringComparison.Ordinal);
    }

    private void Start(SupervisorOptions options)
    {
        options.TickInterval = Tick;
        options.CollectInterval = TimeSpan.FromMilliseconds(100);
        _supervisor = new Supervisor(options, _time);
    }

    private DashboardViewBuilder Builder() => new(_supervisor, new DashboardOptions(), _time, new FakeLogger(_logs, "FsmV2.Dashboard"));

    private static string Health(DashboardView view, string id) => view.HealthWorkers.Contains(id) ? view.Health : "Healthy";

    // One tick interval of fake time and a tick at a time; the collectors run on the fake clock's timers.
    private async Task<DashboardView> StepUntilAsync(Func<DashboardView, bool> done, int maxSteps = 400)
    {
        DashboardViewBuilder builder = Builder();
        for (int i = 0; i < maxSteps; i++)
        {
            DashboardView view = builder.Build();
            if (done(view))
            {
                return view;
            }

            _time.Advance(Tick);
            _supervisor.Tick();
            await Task.Yield(); // lets a collection queued to the pool complete; no wall-clock wait
        }

        Assert.Fail($"not reached after {maxSteps} steps: {string.Join("; ", builder.Build().Workers.Select(w => $"{w.Id} {w.State} {w.Fault.State} stale={w.IsStale}"))}");
        return null!;
    }
}
