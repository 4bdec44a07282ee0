using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Hosting.Tests;

public sealed class HealthCheckTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Clock();
    private readonly GaugeControl _gauge = new();
    private ServiceProvider? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            // Shut down on the fake clock first (the drain ticks on it; a worker with an open circuit leaves at the deadline).
            await _time.AdvanceUntilAsync(_services.GetRequiredService<Supervisor>().ShutdownAsync(Ct), TimeSpan.FromSeconds(1), Ct);
            await _services.DisposeAsync();
        }
    }

    /// <summary>A container with the supervisor and its health checks, and one gauge worker that has observed once.</summary>
    private Supervisor Start(int maxAttempts = 5)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new ActionPool(maxConcurrency: 2, queueLength: 10));
        services.AddFsmV2(o =>
        {
            o.TickInterval = TimeSpan.FromMilliseconds(100);
            o.CollectInterval = TimeSpan.FromSeconds(1);
            o.StaleAfter = TimeSpan.FromSeconds(5);
            o.FaultThreshold = 1;
            o.Circuit.MaxAttempts = maxAttempts;
        });
        services.AddHealthChecks().AddFsmV2();
        _services = services.BuildServiceProvider();
        Supervisor supervisor = _services.GetRequiredService<Supervisor>();
        supervisor.AddWorker("gauge", new GaugeWorker(_gauge), new GaugeSpec());
        Step(supervisor);
        return supervisor;
    }

    private void Step(Supervisor supervisor, TimeSpan? by = null)
    {
        _time.Advance(by ?? TimeSpan.FromMilliseconds(100));
        supervisor.Tick();
    }

    private Task<HealthReport> Check(Func<HealthCheckRegistration, bool>? predicate = null) =>
        _services!.GetRequiredService<HealthCheckService>().CheckHealthAsync(predicate, Ct);

    private static HealthReportEntry Readiness(HealthReport report) => report.Entries[FsmV2HealthCheckExtensions.ReadinessCheckName];

    [Fact]
    public async Task Every_circuit_closed_and_every_observation_fresh_is_healthy()
    {
        Start();

        HealthReport report = await Check();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(1, Readiness(report).Data["supervised"]);
        Assert.Empty((string[])Readiness(report).Data["openCircuits"]);
    }

    [Fact]
    public async Task An_open_circuit_is_degraded_with_the_worker_id()
    {
        Supervisor supervisor = Start();
        _gauge.Broken = true;
        Step(supervisor, TimeSpan.FromSeconds(1)); // observes broken; the state throws; the circuit opens

        HealthReportEntry readiness = Readiness(await Check());

        Assert.Equal(HealthStatus.Degraded, readiness.Status);
        Assert.Equal(["gauge"], (string[])readiness.Data["openCircuits"]);
        Assert.Empty((string[])readiness.Data["escalated"]);
        Assert.Contains("circuit not closed: gauge", readiness.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_observation_is_degraded_with_the_worker_id()
    {
        Supervisor supervisor = Start();
        _gauge.Unreachable = true;
        for (int i = 0; i < 6; i++)
        {
            Step(supervisor, TimeSpan.FromSeconds(1)); // the collector fails; the last observation ages past 5 s
        }

        HealthReportEntry readiness = Readiness(await Check());

        Assert.Equal(HealthStatus.Degraded, readiness.Status);
        Assert.Equal(["gauge"], (string[])readiness.Data["staleObservations"]);
        Assert.Contains("stale observation: gauge", readiness.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_escalated_circuit_is_unhealthy_with_the_worker_id()
    {
        Supervisor supervisor = Start(maxAttempts: 1); // the first opening is the last allowed attempt
        var escalations = new List<string>();
        supervisor.Escalated += (_, e) => escalations.Add(e.Name);
        _gauge.Broken = true;
        Step(supervisor, TimeSpan.FromSeconds(1));

        HealthReport report = await Check();

        Assert.Equal(["gauge"], escalations);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(["gauge"], (string[])Readiness(report).Data["escalated"]);
        Assert.Equal(HealthStatus.Healthy, report.Entries[FsmV2HealthCheckExtensions.LivenessCheckName].Status); // an outage is not a liveness failure
    }

    [Fact]
    public async Task A_circuit_that_closes_again_is_healthy_again()
    {
        Supervisor supervisor = Start(maxAttempts: 1);
        _gauge.Broken = true;
        Step(supervisor, TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Unhealthy, Readiness(await Check()).Status);

        supervisor.CloseCircuit("gauge");
        _gauge.Broken = false;
        Step(supervisor, TimeSpan.FromSeconds(1));

        Assert.Equal(HealthStatus.Healthy, Readiness(await Check()).Status);
    }

    [Fact]
    public async Task A_supervisor_shutting_down_is_not_ready()
    {
        Supervisor supervisor = Start();
        Task shutdown = supervisor.ShutdownAsync(Ct); // drains on the fake clock's ticks

        HealthReportEntry readiness = Readiness(await Check());

        Assert.Equal(HealthStatus.Unhealthy, readiness.Status);
        Assert.Equal("the supervisor is shutting down", readiness.Description);
        await _time.AdvanceUntilAsync(shutdown, TimeSpan.FromMilliseconds(100), Ct);
    }

    [Fact]
    public async Task A_tick_that_stops_for_longer_than_TickStallAfter_fails_liveness()
    {
        Supervisor supervisor = Start();
        Func<HealthCheckRegistration, bool> live = r => r.Tags.Contains(FsmV2HealthCheckExtensions.LivenessTag);
        Assert.Equal(HealthStatus.Healthy, (await Check(live)).Status);

        _time.Advance(TimeSpan.FromSeconds(31)); // no tick
        HealthReport stalled = await Check(live);
        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Contains("no tick for 31 s (limit 30 s)", stalled.Entries[FsmV2HealthCheckExtensions.LivenessCheckName].Description, StringComparison.Ordinal);

        Step(supervisor);
        Assert.Equal(HealthStatus.Healthy, (await Check(live)).Status);
    }

    [Fact]
    public async Task Each_check_carries_its_probe_tag()
    {
        Start();
        HealthCheckServiceOptions options = _services!.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value;

        Assert.Equal([FsmV2HealthCheckExtensions.ReadinessTag], options.Registrations.Single(r => r.Name == "fsmv2").Tags);
        Assert.Equal([FsmV2HealthCheckExtensions.LivenessTag], options.Registrations.Single(r => r.Name == "fsmv2-tick").Tags);
        HealthReport ready = await Check(r => r.Tags.Contains(FsmV2HealthCheckExtensions.ReadinessTag));
        Assert.Equal(["fsmv2"], ready.Entries.Keys);
    }

    [Fact]
    public void A_bad_option_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddHealthChecks().AddFsmV2(o => o.TickStallAfter = TimeSpan.Zero));
        Assert.Contains("FsmV2HealthCheckOptions.TickStallAfter", error.Message, StringComparison.Ordinal);
    }
}
