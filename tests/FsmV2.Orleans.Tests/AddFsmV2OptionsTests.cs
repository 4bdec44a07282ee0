using FsmV2.Orleans.Tests.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Orleans.Tests;

/// <summary>Every check <c>siloBuilder.AddFsmV2(...)</c> makes, without a cluster: each refusal names the option.</summary>
public sealed class AddFsmV2OptionsTests
{
    public static TheoryData<string, Action<FsmV2SiloBuilder>> OutOfRange => new()
    {
        { "KeeperInterval", f => f.KeeperInterval = TimeSpan.Zero },
        { "KeeperInterval", f => f.KeeperInterval = TimeSpan.FromSeconds(-1) },
        { "KeeperInterval", f => f.KeeperInterval = TimeSpan.FromDays(50) },
        { "SupervisorOptions.TickInterval", f => f.Supervisor.TickInterval = TimeSpan.Zero },
        { "SupervisorOptions.TickInterval", f => f.Supervisor.TickInterval = TimeSpan.FromTicks(100) },
        { "SupervisorOptions.CollectInterval", f => f.Supervisor.CollectInterval = TimeSpan.FromSeconds(-1) },
        { "SupervisorOptions.CollectTimeout", f => f.Supervisor.CollectTimeout = TimeSpan.Zero },
        { "SupervisorOptions.StaleAfter", f => f.Supervisor.StaleAfter = f.Supervisor.CollectInterval },
        { "SupervisorOptions.ShutdownTimeout", f => f.Supervisor.ShutdownTimeout = TimeSpan.FromDays(50) },
        { "SupervisorOptions.DefaultActionTimeout", f => f.Supervisor.DefaultActionTimeout = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void An_option_out_of_range_is_refused_when_the_silo_is_built_naming_it(string option, Action<FsmV2SiloBuilder> configure)
    {
        var silo = new BareSiloBuilder();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => silo.AddFsmV2(configure));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.Services, d => d.ServiceType == typeof(FsmV2SiloSettings)); // nothing half-registered
    }

    [Fact]
    public void Valid_options_register_the_settings_the_keeper_and_the_worker_types()
    {
        var silo = new BareSiloBuilder();

        silo.AddFsmV2(f =>
        {
            f.AddWorker<ProbeWorker, ProbeSpec, ProbeStatus>();
            f.KeeperInterval = TimeSpan.FromSeconds(3);
            f.Supervisor.TickInterval = TimeSpan.FromMilliseconds(20);
        });

        FsmV2SiloSettings settings = Assert.IsType<FsmV2SiloSettings>(Assert.Single(silo.Services, d => d.ServiceType == typeof(FsmV2SiloSettings)).ImplementationInstance);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20)), (settings.KeeperInterval, settings.Supervisor.TickInterval));
        Assert.Contains(silo.Services, d => d.ImplementationInstance is IWorkerType { Name: "ProbeWorker" });
        Assert.Contains(silo.Services, d => d.ImplementationType == typeof(FleetKeeper));
    }

    [Fact]
    public void A_worker_type_registered_twice_or_a_second_AddFsmV2_is_refused()
    {
        var twice = Assert.Throws<ArgumentException>(() => new BareSiloBuilder().AddFsmV2(f => f
            .AddWorker<ProbeWorker, ProbeSpec, ProbeStatus>()
            .AddWorker<ProbeWorker, ProbeSpec, ProbeStatus>()));
        Assert.Contains("worker type 'ProbeWorker' is registered twice", twice.Message, StringComparison.Ordinal);

        var silo = new BareSiloBuilder();
        silo.AddFsmV2(f => f.AddWorker<ProbeWorker, ProbeSpec, ProbeStatus>());
        var again = Assert.Throws<InvalidOperationException>(() => silo.AddFsmV2(f => f.AddWorker<FarmWorker, FarmSpec, FarmStatus>()));
        Assert.Contains("AddFsmV2 is called twice", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => FsmV2SiloBuilderExtensions.AddFsmV2(null!, _ => { }));
        Assert.Throws<ArgumentNullException>(() => new BareSiloBuilder().AddFsmV2(null!));
    }

    private sealed class BareSiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
