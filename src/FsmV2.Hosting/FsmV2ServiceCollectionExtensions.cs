using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FsmV2.Hosting;

/// <summary>
/// Registers an FsmV2 <see cref="Supervisor"/> and its workers in a Microsoft.Extensions.Hosting application. The
/// supervisor runs as a hosted service: it starts ticking when the host starts and shuts its workers down
/// gracefully, bounded by the host's shutdown timeout, when the host stops.
/// </summary>
public static class FsmV2ServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddFsmV2(IServiceCollection, IConfiguration, Action{SupervisorOptions}?)"/> binds to <see cref="SupervisorOptions"/>.</summary>
    public const string ConfigurationSection = "FsmV2";

    /// <summary>
    /// Adds the supervisor (a singleton, so the application can query <see cref="Supervisor.GetStatus()"/>; it uses the
    /// container's <see cref="ActionPool"/>, <see cref="IMeterFactory"/> and <see cref="IWorkerStore"/> when registered), the
    /// hosted service that runs it, <see cref="HostedWorkers"/>, <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already
    /// registered, and validation of <see cref="SupervisorOptions"/> when the host starts. Calling it again only
    /// adds another <paramref name="configure"/> step.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adjusts the supervisor's options; runs after any configuration binding.</param>
    /// <returns>A builder to add workers (<c>AddWorker</c>) and a store to.</returns>
    public static IFsmV2Builder AddFsmV2(this IServiceCollection services, Action<SupervisorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<SupervisorOptions> options = services.AddOptions<SupervisorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupervisorOptions>, SupervisorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CreateSupervisor);
        services.TryAddSingleton<HostedWorkers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SupervisorHostedService>());
        return new FsmV2Builder(services);
    }

    /// <summary>
    /// Like <see cref="AddFsmV2(IServiceCollection, Action{SupervisorOptions}?)"/>, and first binds the
    /// <c>FsmV2</c> section of <paramref name="configuration"/> to <see cref="SupervisorOptions"/> (durations as
    /// <c>hh:mm:ss.fff</c>, for example <c>"FsmV2": { "TickInterval": "00:00:00.050" }</c>).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The configuration whose <c>FsmV2</c> section holds the options.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>A builder to add workers (<c>AddWorker</c>) and a store to.</returns>
    public static IFsmV2Builder AddFsmV2(this IServiceCollection services, IConfiguration configuration, Action<SupervisorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SupervisorOptions>().Bind(configuration.GetSection(ConfigurationSection));
        return services.AddFsmV2(configure);
    }

    /// <summary>
    /// Adds a worker that the hosted supervisor starts with the host. The worker instance is resolved from the
    /// container when <typeparamref name="TWorker"/> is registered there (register an instance to keep a reference
    /// to it, for example to reach its channels), and created with <see cref="ActivatorUtilities"/> otherwise.
    /// Call <see cref="AddFsmV2(IServiceCollection, Action{SupervisorOptions}?)"/> as well; its builder's
    /// <c>AddWorker&lt;TWorker&gt;(id, spec)</c> does the same and infers the desired and observed types.
    /// </summary>
    /// <typeparam name="TWorker">A <c>[Worker]</c> partial class.</typeparam>
    /// <typeparam name="TDesired">The worker's desired-state type.</typeparam>
    /// <typeparam name="TObserved">The worker's observed-state type.</typeparam>
    /// <param name="services">The application's services.</param>
    /// <param name="id">The worker's id, unique within the supervisor.</param>
    /// <param name="spec">The spec the worker's desired state is derived from.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddWorker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorker, TDesired, TObserved>(this IServiceCollection services, string id, TDesired spec)
        where TWorker : class, IWorkerMachine<TDesired, TObserved>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        services.AddSingleton<WorkerRegistration>(new WorkerRegistration<TWorker, TDesired, TObserved>(id, spec));
        return services;
    }

    private static Supervisor CreateSupervisor(IServiceProvider services)
    {
        SupervisorOptions options = services.GetRequiredService<IOptions<SupervisorOptions>>().Value;
        ILogger? logger = services.GetService<ILoggerFactory>()?.CreateLogger("FsmV2.Supervisor");
        return new Supervisor(options, services.GetService<TimeProvider>(), logger, services.GetService<ActionPool>(), services.GetService<IMeterFactory>(), services.GetService<IWorkerStore>());
    }
}
