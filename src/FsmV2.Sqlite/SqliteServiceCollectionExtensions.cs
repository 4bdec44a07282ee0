using FsmV2.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FsmV2.Sqlite;

/// <summary>Registers a <see cref="SqliteWorkerStore"/> as the store of the hosted supervisor (FsmV2.Toolkit.Hosting).</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteWorkerStore"/> on file <paramref name="path"/> as the store of the supervisor
    /// <paramref name="builder"/> registers: <c>services.AddFsmV2().UseSqliteStore("fsmv2.db")</c>; see
    /// <see cref="UseSqliteStore(IServiceCollection, string, Action{SqliteStoreOptions}?)"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddFsmV2</c> returned.</param>
    /// <param name="path">The database file; created if missing.</param>
    /// <param name="configure">Adjusts the store's options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static IFsmV2Builder UseSqliteStore(this IFsmV2Builder builder, string path, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.UseSqliteStore(path, configure);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="SqliteWorkerStore"/> on file <paramref name="path"/> as the <see cref="IWorkerStore"/>
    /// singleton that <c>services.AddFsmV2(...)</c> hands its supervisor.
    /// The store logs through the container's <see cref="ILoggerFactory"/> (category <c>FsmV2.Sqlite</c>) and is
    /// opened when the supervisor is created; the container disposes it (writing what is pending) with the host.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="path">The database file; created if missing.</param>
    /// <param name="configure">Adjusts the store's options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static IServiceCollection UseSqliteStore(this IServiceCollection services, string path, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        services.RemoveAll<IWorkerStore>();
        services.AddSingleton<IWorkerStore>(provider =>
        {
            var options = new SqliteStoreOptions { Logger = provider.GetService<ILoggerFactory>()?.CreateLogger("FsmV2.Sqlite") };
            configure?.Invoke(options);
            return SqliteWorkerStore.Open(path, options);
        });
        return services;
    }
}
