using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace FsmV2.Orleans;

/// <summary>A worker type a grain can create by name (registered with <see cref="FsmV2SiloBuilder.AddWorker{TWorker, TDesired, TObserved}"/>).</summary>
internal interface IWorkerType
{
    string Name { get; }

    /// <summary>Creates the worker and adds it to <paramref name="supervisor"/>; returns its handle.</summary>
    object Add(Supervisor supervisor, string id, string specJson, IServiceProvider services);

    /// <summary>Sets a new spec on the worker of <paramref name="handle"/>.</summary>
    void Update(object handle, string id, string specJson);
}

internal sealed class WorkerType<TWorker, TDesired, TObserved>(string name) : IWorkerType
    where TWorker : class, IWorkerMachine<TDesired, TObserved>
{
    public string Name => name;

    public object Add(Supervisor supervisor, string id, string specJson, IServiceProvider services)
    {
        TDesired spec = Parse(id, specJson);
        TWorker worker = ActivatorUtilities.CreateInstance<TWorker>(services);
        return supervisor.AddWorker(id, worker, spec);
    }

    public void Update(object handle, string id, string specJson) =>
        ((WorkerHandle<TDesired, TObserved>)handle).UpdateSpec(Parse(id, specJson));

    private TDesired Parse(string id, string specJson)
    {
        try
        {
            return JsonSerializer.Deserialize<TDesired>(specJson, FsmV2Json.Options)
                ?? throw new ArgumentException($"Worker '{id}' ({name}): the spec is JSON null; a {typeof(TDesired).Name} is needed.", nameof(specJson));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Worker '{id}' ({name}): the spec is not a valid {typeof(TDesired).Name}: {ex.Message}", nameof(specJson), ex);
        }
    }
}

/// <summary>The worker types of a silo, by name.</summary>
internal sealed class WorkerTypeRegistry(IEnumerable<IWorkerType> types)
{
    private readonly Dictionary<string, IWorkerType> _types = types.ToDictionary(static t => t.Name, StringComparer.Ordinal);

    public IWorkerType Get(string id, string name) =>
        _types.TryGetValue(name, out IWorkerType? type) ? type
        : throw new ArgumentException($"Worker '{id}': worker type '{name}' is not registered on this silo (registered: {string.Join(", ", _types.Keys.Order(StringComparer.Ordinal))}); register it with siloBuilder.AddFsmV2(fsm => fsm.AddWorker<...>()).", nameof(name));
}

/// <summary>How specs travel and persist.</summary>
internal static class FsmV2Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
