using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace FsmV2;

/// <summary>The default <see cref="IWorkerStore"/>: every record in memory, safe from any thread.</summary>
public sealed class InMemoryWorkerStore : IWorkerStore
{
    private readonly ConcurrentDictionary<string, IWorkerRecord> _records = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public int Count => _records.Count;

    /// <inheritdoc />
    public IEnumerable<IWorkerRecord> Records => _records.Values;

    /// <inheritdoc />
    public bool TryGet(string id, [NotNullWhen(true)] out IWorkerRecord? record) => _records.TryGetValue(id, out record);

    /// <inheritdoc />
    public void Add(IWorkerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_records.TryAdd(record.Identity.Id, record))
        {
            throw new ArgumentException($"A worker with id '{record.Identity.Id}' already exists; worker ids are unique within a supervisor.", nameof(record));
        }
    }

    /// <inheritdoc />
    public void Remove(string id) => _records.TryRemove(id, out _);
}
