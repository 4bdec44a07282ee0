using System.Collections.Concurrent;

namespace FsmV2.Hosting;

/// <summary>
/// The handles of the workers that <c>AddWorker</c> registered, filled in when the host starts. Resolve it from
/// the container to reach a hosted worker's <see cref="WorkerHandle{TDesired, TObserved}"/> — to update its spec,
/// await its action in flight, or read its record.
/// </summary>
public sealed class HostedWorkers
{
    private readonly ConcurrentDictionary<string, object> _handles = new(StringComparer.Ordinal);

    /// <summary>The ids of the workers added so far.</summary>
    public IReadOnlyCollection<string> Ids => [.. _handles.Keys];

    /// <summary>The handle of worker <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No worker with that id was added (yet), or its types differ.</exception>
    public WorkerHandle<TDesired, TObserved> Get<TDesired, TObserved>(string id) =>
        TryGet(id, out WorkerHandle<TDesired, TObserved>? handle)
            ? handle
            : throw new KeyNotFoundException($"No hosted worker '{id}' with desired type {typeof(TDesired).Name} and observed type {typeof(TObserved).Name}; workers are added when the host starts.");

    /// <summary>Looks up the handle of worker <paramref name="id"/>.</summary>
    /// <returns><see langword="false"/> if there is no such worker (yet) or its types differ.</returns>
    public bool TryGet<TDesired, TObserved>(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkerHandle<TDesired, TObserved>? handle)
    {
        handle = _handles.TryGetValue(id, out object? value) ? value as WorkerHandle<TDesired, TObserved> : null;
        return handle is not null;
    }

    internal void Add(string id, object handle) => _handles[id] = handle;
}
