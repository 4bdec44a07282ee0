using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Hosting.Tests;

/// <summary>
/// <c>AddFsmV2()</c>'s builder: <c>AddWorker&lt;TWorker&gt;</c> with the types inferred (the generated overloads), and
/// a spec bound from a configuration section that follows the configuration's reloads.
/// </summary>
public class BuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddWorker_of_the_worker_type_alone_infers_its_desired_and_observed_types()
    {
        FakeTimeProvider time = TestClock.Clock();
        using IHost host = HostingTests.BuildHost(time, s => s.AddFsmV2().AddWorker<ValveWorker>("valve-1", new ValveSpec(Open: false)));

        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        supervisor.Tick();
        WorkerHandle<ValveSpec, ValveStatus> handle = host.Services.GetRequiredService<HostedWorkers>().Get<ValveSpec, ValveStatus>("valve-1");
        Assert.Equal(("Closed", "desired: closed"), (handle.Status.State, handle.Status.Reason));

        await HostingTests.StopAsync(host, time);
    }

    [Fact]
    public async Task A_spec_bound_from_a_configuration_section_updates_the_worker_when_the_configuration_reloads()
    {
        FakeTimeProvider time = TestClock.Clock();
        IConfigurationRoot config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Valves:valve-1:Open"] = "false" }).Build();
        using IHost host = HostingTests.BuildHost(time, s => s.AddFsmV2().AddWorker<ValveWorker>("valve-1", config.GetSection("Valves:valve-1")));
        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();
        supervisor.Tick();
        Assert.Equal("desired: closed", supervisor.GetStatus("valve-1")?.Reason);

        config["Valves:valve-1:Open"] = "true";
        config.Reload();
        supervisor.Tick();

        Assert.Equal(("Opening", "desired: open"), (supervisor.GetStatus("valve-1")?.State, supervisor.GetStatus("valve-1")?.Reason));
        FakeLogRecord reloaded = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 81);
        Assert.Equal(LogLevel.Information, reloaded.Level);
        Assert.Equal("Worker valve-1: spec reloaded from configuration section Valves:valve-1", reloaded.Message);

        config.Reload(); // nothing changed: no update, no second line
        Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 81);

        await HostingTests.StopAsync(host, time);
    }

    [Fact]
    public async Task A_reloaded_section_that_cannot_be_bound_is_logged_and_the_worker_keeps_its_spec()
    {
        FakeTimeProvider time = TestClock.Clock();
        IConfigurationRoot config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Valves:v:Open"] = "false" }).Build();
        using IHost host = HostingTests.BuildHost(time, s => s.AddFsmV2().AddWorker<ValveWorker>("v", config.GetSection("Valves:v")));
        await host.StartAsync(Ct);
        Supervisor supervisor = host.Services.GetRequiredService<Supervisor>();

        config["Valves:v:Open"] = "maybe";
        config.Reload();
        supervisor.Tick();

        Assert.Equal(("Closed", "desired: closed"), (supervisor.GetStatus("v")?.State, supervisor.GetStatus("v")?.Reason));
        FakeLogRecord failed = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 82);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("Worker v: configuration section Valves:v changed but cannot be used", failed.Message, StringComparison.Ordinal);
        Assert.Contains("'maybe'", failed.Message, StringComparison.Ordinal);
        Assert.Contains("the worker keeps its previous spec", failed.Message, StringComparison.Ordinal);

        await HostingTests.StopAsync(host, time);
    }

    [Fact]
    public async Task A_missing_section_fails_the_start_naming_the_worker_and_the_section()
    {
        IConfigurationRoot config = new ConfigurationBuilder().Build();
        using IHost host = HostingTests.BuildHost(TestClock.Clock(), s => s.AddFsmV2().AddWorker<ValveWorker>("valve-9", config.GetSection("Valves:valve-9")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));

        Assert.Equal("Worker 'valve-9': the configuration section 'Valves:valve-9' is missing or empty; it must hold the worker's spec (ValveSpec).", error.Message);
    }

    [Fact]
    public void The_overloads_that_bind_from_configuration_are_marked_for_trimmed_and_AOT_apps()
    {
        MethodInfo[] binding = [.. typeof(FsmV2BuilderExtensions).GetMethods().Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(IConfiguration)))];

        Assert.NotEmpty(binding);
        Assert.All(binding, m =>
        {
            Assert.NotNull(m.GetCustomAttribute<RequiresUnreferencedCodeAttribute>());
            Assert.NotNull(m.GetCustomAttribute<RequiresDynamicCodeAttribute>());
        });
    }
}
