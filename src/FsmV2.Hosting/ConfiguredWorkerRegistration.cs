using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace FsmV2.Hosting;

/// <summary>Binding a worker's spec from a configuration section (ADR 0020).</summary>
internal static class ConfiguredSpec
{
    public const string BindingWarning = "Binds the spec type from configuration by reflection (ConfigurationBinder); its members must be preserved.";

    /// <summary>The spec in <paramref name="section"/>, or an exception naming the worker and the section.</summary>
    [RequiresUnreferencedCode(BindingWarning)]
    [RequiresDynamicCode(BindingWarning)]
    public static TDesired Bind<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TDesired>(string id, IConfiguration section)
    {
        string path = section is IConfigurationSection named ? named.Path : "(the configuration root)";
        TDesired? spec;
        try
        {
            spec = section.Get<TDesired>();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Worker '{id}': the configuration section '{path}' cannot be bound to {typeof(TDesired).Name}: {e.Message}", e);
        }

        return spec ?? throw new InvalidOperationException($"Worker '{id}': the configuration section '{path}' is missing or empty; it must hold the worker's spec ({typeof(TDesired).Name}).");
    }
}

/// <summary>
/// A worker whose spec comes from configuration: bound when the host starts, bound again on every reload of the
/// configuration, and handed to the worker when it changed. Disposed with the container, which ends the watch.
/// </summary>
internal sealed class ConfiguredWorkerRegistration<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TWorker, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TDesired, TObserved> : WorkerRegistration, IDisposable
    where TWorker : class, IWorkerMachine<TDesired, TObserved>
{
    private readonly IConfiguration _section;
    private IDisposable? _watch;

    [RequiresUnreferencedCode(ConfiguredSpec.BindingWarning)]
    [RequiresDynamicCode(ConfiguredSpec.BindingWarning)]
    public ConfiguredWorkerRegistration(string id, IConfiguration section)
        : base(id) => _section = section;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The constructor carries RequiresUnreferencedCode; this instance only exists when its caller accepted it.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The constructor carries RequiresDynamicCode; this instance only exists when its caller accepted it.")]
    public override void AddTo(Supervisor supervisor, IServiceProvider services, HostedWorkers handles)
    {
        TDesired spec = ConfiguredSpec.Bind<TDesired>(Id, _section);
        TWorker worker = services.GetService<TWorker>() ?? ActivatorUtilities.CreateInstance<TWorker>(services);
        WorkerHandle<TDesired, TObserved> handle = supervisor.AddWorker(Id, worker, spec);
        handles.Add(Id, handle);
        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger("FsmV2.Hosting") ?? NullLogger.Instance;
        TDesired current = spec;
        _watch = ChangeToken.OnChange(_section.GetReloadToken, () =>
        {
            string path = _section is IConfigurationSection named ? named.Path : string.Empty;
            try
            {
                TDesired next = ConfiguredSpec.Bind<TDesired>(Id, _section);
                if (!EqualityComparer<TDesired>.Default.Equals(next, current))
                {
                    handle.UpdateSpec(next);
                    current = next;
                    Log.SpecReloaded(logger, Id, path);
                }
            }
            catch (InvalidOperationException e)
            {
                Log.SpecReloadFailed(logger, Id, path, e.Message);
            }
        });
    }

    public void Dispose() => _watch?.Dispose();
}
