using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FsmV2.Orleans;

/// <summary>What <see cref="FsmV2SiloBuilderExtensions.AddFsmV2"/> configures: the worker types a grain may create, the supervisor options of every worker grain, and the keeper.</summary>
public sealed class FsmV2SiloBuilder
{
    /// <summary>
    /// The grain storage provider every FsmV2 grain persists to. Register one that outlives a silo (a database, a
    /// cloud table): a storage lost with its silo cannot resume that silo's workers elsewhere.
    /// </summary>
    public const string StorageName = "FsmV2";

    internal FsmV2SiloBuilder(IServiceCollection services) => Services = services;

    /// <summary>The silo's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The options of the supervisor in each worker grain (its tick interval is the grain timer's period); validated when the silo starts.</summary>
    public SupervisorOptions Supervisor { get; } = new();

    /// <summary>
    /// How often each silo's keeper calls every registered worker grain, so the workers of a lost silo are activated
    /// on the others; 10 s by default. A worker is back at the latest one interval after Orleans declares its silo dead.
    /// </summary>
    public TimeSpan KeeperInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Registers worker type <typeparamref name="TWorker"/> under its definition's worker type name (the name
    /// <see cref="IWorkerGrain.AddAsync"/> takes); a grain creates it through the silo's services.
    /// </summary>
    /// <exception cref="ArgumentException">Another type is registered under the same name.</exception>
    public FsmV2SiloBuilder AddWorker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] TWorker, TDesired, TObserved>()
        where TWorker : class, IWorkerMachine<TDesired, TObserved>
    {
        string name = WorkerTypeName<TWorker>();
        if (Services.Any(d => d.ServiceType == typeof(IWorkerType) && d.ImplementationInstance is IWorkerType t && t.Name == name))
        {
            throw new ArgumentException($"AddFsmV2: worker type '{name}' is registered twice ({typeof(TWorker).FullName}); each worker type name must be unique on a silo.", nameof(TWorker));
        }

        Services.AddSingleton<IWorkerType>(new WorkerType<TWorker, TDesired, TObserved>(name));
        return this;
    }

    // The generated adapter's static Definition names the type (the name the in-process supervisor reports).
    private static string WorkerTypeName<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] TWorker>()
        where TWorker : class =>
        typeof(TWorker).GetProperty("Definition", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public)?.GetValue(null) is WorkerDefinition d
            ? d.WorkerType
            : typeof(TWorker).Name;
}

/// <summary>Settings every worker grain of a silo reads.</summary>
internal sealed record FsmV2SiloSettings(SupervisorOptions Supervisor, TimeSpan KeeperInterval);

/// <summary>Registers FsmV2 on an Orleans silo.</summary>
public static class FsmV2SiloBuilderExtensions
{
    private static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Hosts FsmV2 workers on this silo: each root worker (with its subtree) in a grain keyed by its id, ticked on a
    /// grain timer, persisted to grain storage <see cref="FsmV2SiloBuilder.StorageName"/>, and a keeper that
    /// re-activates the workers of a lost silo.
    /// </summary>
    /// <exception cref="InvalidOperationException">FsmV2 is already added to this silo.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A supervisor option (<see cref="SupervisorOptions.Validate"/>) or <see cref="FsmV2SiloBuilder.KeeperInterval"/> is out of range; the message names it.</exception>
    public static ISiloBuilder AddFsmV2(this ISiloBuilder builder, Action<FsmV2SiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (builder.Services.Any(static d => d.ServiceType == typeof(FsmV2SiloSettings)))
        {
            throw new InvalidOperationException("AddFsmV2 is called twice on this silo; configure every worker type and option in one call.");
        }

        var fsm = new FsmV2SiloBuilder(builder.Services);
        configure(fsm);
        if (fsm.KeeperInterval <= TimeSpan.Zero || fsm.KeeperInterval > MaxTimerPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), fsm.KeeperInterval, $"AddFsmV2: KeeperInterval ({fsm.KeeperInterval}) must be positive and at most {MaxTimerPeriod:d\\.hh\\:mm\\:ss\\.fff}, the longest period a timer accepts.");
        }

        fsm.Supervisor.Validate(); // now, naming the option out of range (SupervisorOptions.TickInterval, ...)
        builder.Services.AddSingleton(new FsmV2SiloSettings(fsm.Supervisor, fsm.KeeperInterval));
        builder.Services.TryAddSingleton<WorkerTypeRegistry>();
        builder.Services.AddHostedService<FleetKeeper>();
        return builder;
    }
}
