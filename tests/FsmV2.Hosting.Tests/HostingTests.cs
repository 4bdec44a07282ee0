using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Hosting.Tests;

public class HostingTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static IHost BuildHost(
        FakeTimeProvider? time,
        Action<IServiceCollection>? services = null,
        Dictionary<string, string?>? config = null,
        TimeSpan? hostShutdownTimeout = null)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(config ?? []);
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        if (time is not null)
        {
            builder.Services.AddSingleton<TimeProvider>(time);
        }

        builder.Services.AddSingleton(new ActionPool(maxConcurrency: 2, queueLength: 10));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = hostShutdownTimeout ?? TimeSpan.FromSeconds(30));
        builder.Services.AddFsmV2(builder.Configuration, o =>
        {
            o.TickInterval = Tick;
            o.CollectInterval = TimeSpan.FromSeconds(1);
            o.StaleAfter = TimeSpan.FromSeconds(5);
        });
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public void Options_are_bound_from_the_FsmV2_section_then_adjusted_by_the_delegate()
    {
        using IHost host = BuildHost(TestClock.Clock(), config: new()
        {
            ["FsmV2:TickInterval"] = "00:00:00.250",
            ["FsmV2:ShutdownTimeout"] = "00:00:07",
            ["FsmV2:CollectTimeout"] = "00:00:03",
        });

        SupervisorOptions options = host.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.CollectTimeout);
        Assert.Equal(Tick, options.TickInterval); // the delegate runs after binding
    }

    [Fact]
    public async Task The_action_retry_backoff_is_off_unless_configured_and_a_bad_one_stops_the_host_naming_it()
    {
        using (IHost plain = BuildHost(TestClock.Clock()))
        {
            Assert.Null(plain.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value.ActionRetryBackoff);
        }

        using (IHost tuned = BuildHost(TestClock.Clock(), config: new()
        {
            ["FsmV2:ActionRetryBackoff:InitialDelay"] = "00:00:02",
            ["FsmV2:ActionRetryBackoff:Jitter"] = "None",
        }))
        {
            BackoffOptions? retry = tuned.Services.GetRequiredService<IOptions<SupervisorOptions>>().Value.ActionRetryBackoff;
            Assert.NotNull(retry);
            Assert.Equal(TimeSpan.FromSeconds(2), retry.InitialDelay);
            Assert.Equal(JitterMode.None, retry.Jitter);
            Assert.Equal(TimeSpan.FromSeconds(60), retry.MaxDelay); // the rest keeps its defaults
        }

        using IHost broken = BuildHost(TestClock.Clock(), config: new() { ["FsmV2:ActionRetryBackoff:Multiplier"] = "0.5" });
        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => broken.StartAsync(Ct));
        Assert.Contains("Multiplier", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_naming_the_option()
    {
        using IHost host = BuildHost(TestClock.Clock(), config: new() { ["FsmV2:ShutdownTimeout"] = "00:00:00" });

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("ShutdownTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FsmV2:DefaultActionTimeout", "DefaultActionTimeout", "SupervisorOptions.DefaultActionTimeout (50.00:00:00)")]
    [InlineData("FsmV2:ShutdownTimeout", "ShutdownTimeout", "SupervisorOptions.ShutdownTimeout (50.00:00:00)")]
    [InlineData("FsmV2:Circuit:Backoff:MaxDelay", "MaxDelay", "BackoffOptions.MaxDelay (50.00:00:00)")]
    [InlineData("FsmV2:ActionRetryBackoff:MaxDelay", "MaxDelay", "BackoffOptions.MaxDelay (50.00:00:00)")]
    public async Task A_bound_duration_longer_than_a_timer_accepts_stops_the_host_at_start_naming_the_option(string key, string option, string named)
    {
        using IHost host = BuildHost(TestClock.Clock(), config: new() { [key] = "50.00:00:00", ["FsmV2:StaleAfter"] = "60.00:00:00" });

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.StartsWith(option + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(named + " must be at most 49.17:02:47.294, the longest interval a timer accepts.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inconsistent_options_from_the_delegate_are_rejected_at_start_naming_the_option()
    {
        using IHost host = BuildHost(TestClock.Clock(), s => s.AddFsmV2(o => o.StaleAfter = TimeSpan.FromMilliseconds(500)));

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("StaleAfter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_option_object_from_the_delegate_is_rejected_at_start_naming_the_option()
    {
        using IHost host = BuildHost(TestClock.Clock(), s => s.AddFsmV2(o => o.Circuit = null!));

        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("SupervisorOptions.Circuit must not be null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_system_clock_is_registered_when_none_is_and_the_supervisor_is_a_singleton()
    {
        using IHost host = BuildHost(time: null);

        Assert.Same(TimeProvider.System, host.Services.GetRequiredService<TimeProvider>());
        Assert.Same(host.Services.GetRequiredService<Supervisor>(), host.Services.GetRequiredService<Supervisor>());
    }

    [Fact]
    public async Task A_worker_added_through_DI_runs_on_the_hosted_supervisor()
    {
        FakeTimeProvider time = TestClock.Clock();
        var valve = new ValveWorker();
        using IHost host = BuildHost(time, s => s
            .AddSingleton(valve)
            .AddWorker<ValveWorker, ValveSpec, ValveStatus>("valve-1", new ValveSpec()));

        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        WorkerHandle<ValveSpec, ValveStatus> handle = host.Services.GetRequiredService<HostedWorkers>().Get<ValveSpec, ValveStatus>("valve-1");
        Assert.Equal(1, supervisor.Count);

        supervisor.Tick(); // Closed -> Opening
        supervisor.Tick(); // Opening: Do(OpenValve)
        await handle.ActionCompletion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        supervisor.Tick(); // fresh observation: open
        Assert.Equal("Open", supervisor.GetStatus("valve-1")?.State);
        Assert.Equal(1, valve.Opens); // the registered instance, not a new one

        await StopAsync(host, time);
    }

    [Fact]
    public async Task A_worker_not_registered_in_DI_is_created_with_ActivatorUtilities()
    {
        FakeTimeProvider time = TestClock.Clock();
        using IHost host = BuildHost(time, s => s.AddWorker<ValveWorker, ValveSpec, ValveStatus>("valve-2", new ValveSpec(Open: false)));

        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        supervisor.Tick();
        Assert.Equal("Closed", supervisor.GetStatus("valve-2")?.State);
        Assert.Equal("desired: closed", supervisor.GetStatus("valve-2")?.Reason);

        await StopAsync(host, time);
        Assert.Equal(0, supervisor.Count);
    }

    [Fact]
    public async Task StopAsync_drains_the_action_in_flight_and_removes_the_worker_gracefully()
    {
        FakeTimeProvider time = TestClock.Clock();
        var valve = new ValveWorker { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using IHost host = BuildHost(time, s => s
            .AddSingleton(valve)
            .AddWorker<ValveWorker, ValveSpec, ValveStatus>("valve", new ValveSpec()));
        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        WorkerHandle<ValveSpec, ValveStatus> handle = host.Services.GetRequiredService<HostedWorkers>().Get<ValveSpec, ValveStatus>("valve");
        supervisor.Tick();
        supervisor.Tick();
        await valve.OpenStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Task stopping = host.StopAsync(Ct);
        Assert.True(supervisor.IsShuttingDown);
        Assert.False(stopping.IsCompleted); // waiting for the action in flight
        Assert.Equal("OpenValve", handle.Status.ActionInFlight);

        valve.Gate.SetResult();
        await handle.ActionCompletion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await AdvanceUntil(time, stopping);

        Assert.True(handle.IsRemoved);
        Assert.Equal(0, supervisor.Count);
        Assert.Equal(0, valve.Cancelled);
        Assert.Equal(ActionOutcome.Succeeded, handle.Status.LastAction?.Outcome);
        FakeLogCollector logs = host.Services.GetFakeLogCollector();
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("shutdown requested", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_hosts_shutdown_timeout_bounds_the_drain_and_cancels_what_is_left()
    {
        FakeTimeProvider time = TestClock.Clock(); // never advanced: only the host's (real) shutdown timeout can end the drain
        var valve = new ValveWorker { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        using IHost host = BuildHost(
            time,
            s => s.AddSingleton(valve).AddWorker<ValveWorker, ValveSpec, ValveStatus>("stuck", new ValveSpec()),
            hostShutdownTimeout: TimeSpan.FromMilliseconds(200));
        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        WorkerHandle<ValveSpec, ValveStatus> handle = host.Services.GetRequiredService<HostedWorkers>().Get<ValveSpec, ValveStatus>("stuck");
        supervisor.Tick();
        supervisor.Tick();
        await valve.OpenStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(0, supervisor.Count);
        await handle.ActionCompletion.WaitAsync(TimeSpan.FromSeconds(10), Ct); // cancelled by the forced stop, not awaited by it
        Assert.Equal(1, valve.Cancelled);
    }

    [Fact]
    public async Task The_hosts_shutdown_timeout_bounds_the_stop_even_when_an_action_ignores_cancellation()
    {
        FakeTimeProvider time = TestClock.Clock(); // never advanced: only the host's (real) shutdown timeout can end the stop
        var valve = new ValveWorker { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), IgnoresCancellation = true };
        using IHost host = BuildHost(
            time,
            s => s.AddSingleton(valve).AddWorker<ValveWorker, ValveSpec, ValveStatus>("deaf", new ValveSpec()),
            hostShutdownTimeout: TimeSpan.FromMilliseconds(200));
        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        WorkerHandle<ValveSpec, ValveStatus> handle = host.Services.GetRequiredService<HostedWorkers>().Get<ValveSpec, ValveStatus>("deaf");
        supervisor.Tick();
        supervisor.Tick();
        await valve.OpenStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        await host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), Ct); // a bound that fails instead of hanging

        Assert.Equal(0, supervisor.Count);
        Assert.Equal("OpenValve", handle.Status.ActionInFlight); // abandoned, still running
        FakeLogCollector logs = host.Services.GetFakeLogCollector();
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.EndsWith("(in flight when stopped): deaf (action OpenValve)", StringComparison.Ordinal));
        Assert.Contains(logs.GetSnapshot(), r => r.Message == "FsmV2 supervisor stopped; 0 worker(s) left");
        valve.Gate.SetResult();
        await handle.ActionCompletion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    internal static async Task StopAsync(IHost host, FakeTimeProvider time) => await AdvanceUntil(time, host.StopAsync(Ct));

    /// <summary>
    /// The shutdown ticks on the fake clock: advance it one tick at a time and give each tick a bounded moment to
    /// run, until <paramref name="done"/> completes.
    /// </summary>
    private static Task AdvanceUntil(FakeTimeProvider time, Task done) => time.AdvanceUntilAsync(done, Tick, Ct, grace: TimeSpan.FromMilliseconds(20));
}
