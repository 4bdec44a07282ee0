using System.Collections.Concurrent;

namespace FsmV2;

/// <summary>
/// The in-memory store of every worker's identity, desired and observed state. Identity is write-once: a second
/// worker with the same id is refused. A persistent store can take its place later without changing workers.
/// </summary>
public sealed class TriangularStore
{
    private readonly ConcurrentDictionary<string, IWorkerRecord> _records = new(StringComparer.Ordinal);

    /// <summary>Number of workers in the store.</summary>
    public int Count => _records.Count;

    /// <summary>Finds the record of worker <paramref name="id"/>.</summary>
    public bool TryGet(string id, out IWorkerRecord? record) => _records.TryGetValue(id, out record);

    /// <summary>Finds the typed record of worker <paramref name="id"/>.</summary>
    public WorkerRecord<TDesired, TObserved>? Get<TDesired, TObserved>(string id) =>
        _records.TryGetValue(id, out IWorkerRecord? record) ? record as WorkerRecord<TDesired, TObserved> : null;

    /// <summary>All records, in no particular order.</summary>
    public IEnumerable<IWorkerRecord> Records => _records.Values;

    internal WorkerRecord<TDesired, TObserved> Create<TDesired, TObserved>(WorkerIdentity identity, TDesired desired, DateTimeOffset at)
    {
        var record = new WorkerRecord<TDesired, TObserved>(identity, desired, at);
        if (!_records.TryAdd(identity.Id, record))
        {
            throw new ArgumentException($"A worker with id '{identity.Id}' already exists; worker ids are unique within a supervisor.", nameof(identity));
        }

        return record;
    }

    internal void Delete(string id) => _records.TryRemove(id, out _);
}
