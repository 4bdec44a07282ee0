using System.Diagnostics.CodeAnalysis;

namespace FsmV2.Orleans;

/// <summary>
/// The <see cref="IPersistentWorkerStore"/> of one worker grain: records in memory, resume from the grain's persisted
/// rows, and after each tick the rows to write when a state, a restart or the set of workers changed. The grain
/// writes them to its <c>IPersistentState</c>; the tick never waits on storage.
/// </summary>
internal sealed class GrainWorkerStore : IPersistentWorkerStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IWorkerRecord> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PersistedWorker> _persisted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long State, int Restarts)> _written = new(StringComparer.Ordinal);
    private readonly string _name;
    private bool _membershipChanged;
    private bool _frozen;
    private Dictionary<string, WorkerRow>? _frozenRows;
    private string? _lastError;
    private long _failedAttempts;
    private long _writtenRecords;
    private DateTimeOffset? _lastWriteAt;

    public GrainWorkerStore(string name, IEnumerable<WorkerRow> persisted)
    {
        _name = name;
        foreach (WorkerRow row in persisted)
        {
            _persisted[row.Id] = row.ToPersisted();
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    public IEnumerable<IWorkerRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _live.Values];
            }
        }
    }

    public StoreStatus Status
    {
        get
        {
            lock (_lock)
            {
                return new StoreStatus(_name, _lastError is null, _lastError, _failedAttempts, PendingLocked(), _writtenRecords, _lastWriteAt, null);
            }
        }
    }

    public bool TryGet(string id, [NotNullWhen(true)] out IWorkerRecord? record)
    {
        lock (_lock)
        {
            return _live.TryGetValue(id, out record);
        }
    }

    public void Add(IWorkerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        WorkerIdentity who = record.Identity;
        lock (_lock)
        {
            if (_persisted.TryGetValue(who.Id, out PersistedWorker? kept) && kept.WorkerType != who.WorkerType)
            {
                throw new ArgumentException($"Worker '{who.Id}' is persisted in {_name} as type '{kept.WorkerType}', not '{who.WorkerType}'; the persisted record is kept.", nameof(record));
            }

            if (!_live.TryAdd(who.Id, record))
            {
                throw new ArgumentException($"A worker with id '{who.Id}' already exists; worker ids are unique within a supervisor.", nameof(record));
            }

            _membershipChanged = true;
        }
    }

    public void Remove(string id)
    {
        lock (_lock)
        {
            if (!_frozen && _live.Remove(id))
            {
                _written.Remove(id);
                _membershipChanged = true;
            }
        }
    }

    public bool TryTakeResume(string id, string workerType, [NotNullWhen(true)] out PersistedWorker? persisted)
    {
        lock (_lock)
        {
            if (_persisted.TryGetValue(id, out persisted) && persisted.WorkerType == workerType)
            {
                _persisted.Remove(id);
                return true;
            }

            persisted = null;
            return false;
        }
    }

    public void OnShutdown()
    {
        lock (_lock)
        {
            _frozenRows = RowsLocked(); // the grain writes the rows as they are now; the wind-down is not persisted
            _frozen = true;
        }
    }

    /// <summary>
    /// The rows to persist when anything persisted changed since the last call (every live record, and the persisted
    /// rows no worker took, which are kept); else <see langword="null"/>.
    /// </summary>
    public Dictionary<string, WorkerRow>? TakeChanges()
    {
        lock (_lock)
        {
            if (_frozen)
            {
                Dictionary<string, WorkerRow>? last = _frozenRows;
                _frozenRows = null;
                return last;
            }

            return PendingLocked() == 0 ? null : RowsLocked();
        }
    }

    private Dictionary<string, WorkerRow> RowsLocked()
    {
        var rows = new Dictionary<string, WorkerRow>(StringComparer.Ordinal);
        foreach (PersistedWorker kept in _persisted.Values)
        {
            rows[kept.Id] = new WorkerRow(kept.Id, kept.WorkerType, kept.StateName, kept.StateSince, kept.RestartCount, [.. kept.RestartHistory.Select(RestartRow.Of)]);
        }

        foreach (IWorkerRecord record in _live.Values)
        {
            rows[record.Identity.Id] = WorkerRow.Of(record);
            _written[record.Identity.Id] = (record.StateVersion, record.RestartCount);
        }

        _membershipChanged = false;
        return rows;
    }

    /// <summary>The grain wrote <paramref name="rows"/> rows at <paramref name="at"/>.</summary>
    public void Written(int rows, DateTimeOffset at)
    {
        lock (_lock)
        {
            _lastError = null;
            _writtenRecords += rows;
            _lastWriteAt = at;
        }
    }

    /// <summary>Writing failed: the rows are taken again on the next tick.</summary>
    public void Failed(Exception error)
    {
        lock (_lock)
        {
            _lastError = $"{_name}: writing grain state failed: {error.GetType().Name}: {error.Message}";
            _failedAttempts++;
            _membershipChanged = true;
        }
    }

    private int PendingLocked()
    {
        int pending = _membershipChanged ? 1 : 0;
        foreach ((string id, IWorkerRecord record) in _live)
        {
            if (!_written.TryGetValue(id, out (long State, int Restarts) w) || w.State != record.StateVersion || w.Restarts != record.RestartCount)
            {
                pending++;
            }
        }

        return pending;
    }
}
