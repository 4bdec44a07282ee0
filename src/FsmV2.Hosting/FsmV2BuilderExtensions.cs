using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Hosting;

/// <summary>
/// Adds workers to the hosted supervisor of an <see cref="IFsmV2Builder"/>. For every worker type of the
/// application, the source generator also emits <c>AddWorker&lt;TWorker&gt;(id, spec)</c> and
/// <c>AddWorker&lt;TWorker&gt;(id, configurationSection)</c>, which infer the desired and observed types.
/// </summary>
public static class FsmV2BuilderExtensions
{
    /// <summary>
    /// Adds a worker that the hosted supervisor starts with the host. The worker instance is resolved from the
    /// container when <typeparamref name="TWorker"/> is registered there (register an instance to keep a reference
    /// to it, for example to reach its channels), and created with <see cref="ActivatorUtilities"/> otherwise.
    /// </summary>
    /// <typeparam name="TWorker">A <c>[Worker]</c> partial class.</typeparam>
    /// <typeparam name="TDesired">The worker's desired-state type.</typeparam>
    /// <typeparam name="TObserved">The worker's observed-state type.</typeparam>
    /// <param name="builder">The builder <c>AddFsmV2</c> returned.</param>
    /// <param name="id">The worker's id, unique within the supervisor.</param>
    /// <param name="spec">The spec the worker's desired state is derived from.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static IFsmV2Builder AddWorker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorker, TDesired, TObserved>(this IFsmV2Builder builder, string id, TDesired spec)
        where TWorker : class, IWorkerMachine<TDesired, TObserved>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWorker<TWorker, TDesired, TObserved>(id, spec);
        return builder;
    }

    /// <summary>
    /// Adds a worker whose spec is bound from <paramref name="section"/> (for example
    /// <c>configuration.GetSection("Pumps:pump-1")</c>) when the host starts, and bound again whenever the
    /// configuration reloads: a changed spec updates the running worker (<see cref="WorkerHandle{TDesired, TObserved}.UpdateSpec"/>).
    /// A section that is missing or cannot be bound fails the host's start with an error naming the worker and the
    /// section; on a reload it is logged as a warning and the worker keeps its previous spec. Records with a
    /// positional constructor bind (constructor binding), as do classes with settable properties.
    /// </summary>
    /// <typeparam name="TWorker">A <c>[Worker]</c> partial class.</typeparam>
    /// <typeparam name="TDesired">The worker's desired-state type, bound from the section.</typeparam>
    /// <typeparam name="TObserved">The worker's observed-state type.</typeparam>
    /// <param name="builder">The builder <c>AddFsmV2</c> returned.</param>
    /// <param name="id">The worker's id, unique within the supervisor.</param>
    /// <param name="section">The configuration section holding the spec.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    [RequiresUnreferencedCode(ConfiguredSpec.BindingWarning)]
    [RequiresDynamicCode(ConfiguredSpec.BindingWarning)]
    public static IFsmV2Builder AddWorker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorker, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TDesired, TObserved>(this IFsmV2Builder builder, string id, IConfiguration section)
        where TWorker : class, IWorkerMachine<TDesired, TObserved>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddSingleton<WorkerRegistration>(_ => new ConfiguredWorkerRegistration<TWorker, TDesired, TObserved>(id, section));
        return builder;
    }
}
