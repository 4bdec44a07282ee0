using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsmV2.Sqlite;

/// <summary>
/// An <see cref="IPersistentWorkerStore"/> in a SQLite file (WAL mode): every worker's identity, type, parent,
/// desired state (JSON), current state by name and since when, restart count and history, and last observation with
/// its time. The tick never waits on it: a background writer commits what changed every
/// <see cref="SqliteStoreOptions.FlushInterval"/>, in batches of <see cref="SqliteStoreOptions.BatchSize"/>.
/// </summary>
/// <remarks>
/// When the database fails (locked, corrupt, read-only, full) the store logs the file and the operation, shows it in
/// <see cref="LastError"/>, and retries; the supervisor keeps running on the records in
/// memory, and the writes it could not make stay pending (<see cref="PendingWrites"/>) until a write succeeds.
/// </remarks>
public sealed class SqliteWorkerStore : IPersistentWorkerStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Tracked> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PersistedWorker> _persisted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _deletes = new();
    private readonly Lock _write = new();
    private readonly SqliteStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _writer;
    private SqliteConnection? _connection;
    private bool _loaded;
    private volatile bool _frozen;
    private volatile string? _lastError;
    private long _failedAttempts;
    private int _failuresInRow;
    private long _written;
    private long _nextAttemptTicks; // UTC ticks; 0 while healthy
    private long _lastWriteTicks; // UTC ticks; 0 before the first write

    private SqliteWorkerStore(string path, SqliteStoreOptions options)
    {
        FilePath = path;
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _time = options.TimeProvider ?? TimeProvider.System;
        TryConnect();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Opens (or creates) the store in file <paramref name="path"/> and reads what it holds for resume. A file that
    /// cannot be opened now (locked, corrupt) does not throw: the store runs in memory, names the file and the
    /// failure in <see cref="LastError"/> and its log, and retries.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The file has a newer schema than this library knows; the message names the file and both versions.</exception>
    public static SqliteWorkerStore Open(string path, SqliteStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        SqliteStoreOptions copy = options?.Clone() ?? new SqliteStoreOptions();
        copy.Validate();
        return new SqliteWorkerStore(Path.GetFullPath(path), copy);
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>The last failure (naming the file and the operation), or <see langword="null"/> while the database works.</summary>
    public string? LastError => _lastError;

    /// <summary>How many attempts to open or write the database have failed so far.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>How many records have been written so far.</summary>
    public long WrittenRecords => Interlocked.Read(ref _written);

    /// <summary>Records changed since they were last written, and removals not yet made.</summary>
    public int PendingWrites => _deletes.Count + _live.Values.Count(static t => t.IsDirty);

    /// <inheritdoc />
    public StoreStatus Status
    {
        get
        {
            string? error = _lastError;
            long next = Interlocked.Read(ref _nextAttemptTicks);
            long last = Interlocked.Read(ref _lastWriteTicks);
            return new StoreStatus(
                $"SQLite {FilePath}", error is null, error, FailedAttempts, PendingWrites, WrittenRecords,
                last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero), error is null || next == 0 ? null : new DateTimeOffset(next, TimeSpan.Zero));
        }
    }

    /// <summary>Persisted records no worker of this process has resumed (yet): kept in the file, never deleted by the store.</summary>
    public IReadOnlyCollection<PersistedWorker> Unclaimed => [.. _persisted.Values];

    /// <inheritdoc />
    public int Count => _live.Count;

    /// <inheritdoc />
    public IEnumerable<IWorkerRecord> Records => _live.Values.Select(static t => t.Record);

    /// <inheritdoc />
    public bool TryGet(string id, [NotNullWhen(true)] out IWorkerRecord? record)
    {
        record = _live.TryGetValue(id, out Tracked? tracked) ? tracked.Record : null;
        return record is not null;
    }

    /// <inheritdoc />
    public void Add(IWorkerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        WorkerIdentity who = record.Identity;
        if (_persisted.TryGetValue(who.Id, out PersistedWorker? persisted) && persisted.WorkerType != who.WorkerType)
        {
            throw new ArgumentException(
                $"Worker id '{who.Id}' is persisted in SQLite store '{FilePath}' as worker type {persisted.WorkerType}, not {who.WorkerType}: the store keeps that record and does not overwrite it. Use another id, or delete its row (DELETE FROM workers WHERE id = '{who.Id}') if the old worker is gone for good.",
                nameof(record));
        }

        if (!_live.TryAdd(record.Identity.Id, new Tracked(record)))
        {
            throw new ArgumentException($"A worker with id '{record.Identity.Id}' already exists; worker ids are unique within a supervisor.", nameof(record));
        }
    }

    /// <inheritdoc />
    public void Remove(string id)
    {
        if (!_frozen && _live.TryRemove(id, out _))
        {
            _deletes.Enqueue(id);
        }
    }

    /// <inheritdoc />
    public bool TryTakeResume(string id, string workerType, [NotNullWhen(true)] out PersistedWorker? persisted)
    {
        if (_persisted.TryGetValue(id, out persisted) && persisted.WorkerType == workerType)
        {
            return _persisted.TryRemove(id, out persisted);
        }

        persisted = null;
        return false;
    }

    /// <inheritdoc />
    public void OnShutdown()
    {
        lock (_write)
        {
            FlushLocked();
            _frozen = true;
        }

        if (!_persisted.IsEmpty)
        {
            Log.Unclaimed(_logger, FilePath, _persisted.Count, string.Join(", ", _persisted.Values.Select(static p => $"{p.Id} ({p.WorkerType})")));
        }
    }

    /// <summary>
    /// Writes every change now (the background writer does this every <see cref="SqliteStoreOptions.FlushInterval"/>).
    /// Never throws for a database failure.
    /// </summary>
    /// <returns><see langword="true"/> if everything pending was written; else see <see cref="LastError"/>.</returns>
    public bool Flush()
    {
        lock (_write)
        {
            return FlushLocked();
        }
    }

    /// <summary>Stops the background writer, writes what is pending (unless the supervisor's shutdown already did) and closes the file.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _writer.GetAwaiter().GetResult();
        lock (_write)
        {
            FlushLocked();
            _connection?.Dispose();
            _connection = null;
            _frozen = true;
        }

        _stop.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _nextAttemptTicks))
                {
                    Flush();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: Dispose writes what is left.
        }
    }

    private bool FlushLocked()
    {
        if (_frozen || !TryConnect())
        {
            return false;
        }

        string operation = "delete removed workers";
        long started = _time.GetUtcNow().UtcTicks; // every change made before this is in the file once the write succeeds
        try
        {
            WriteDeletes(_connection!);
            operation = "write changed workers";
            WriteChanged(_connection!);
            Succeeded(started);
            return true;
        }
#pragma warning disable CA1031 // Any failure of the database is contained: logged, counted, retried.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Failed(operation, ex);
            return false;
        }
    }

    private bool TryConnect()
    {
        if (_connection is not null)
        {
            return true;
        }

        SqliteConnection? connection = null;
        try
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = FilePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds) };
            connection = new SqliteConnection(builder.ToString());
            connection.Open();
            SqliteSchema.Prepare(connection, FilePath);
            Load(connection);
            _options.OnConnected?.Invoke(connection);
            _connection = connection;
            return true;
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            Failed("open", ex);
            return false;
        }
        catch
        {
            connection?.Dispose();
            throw; // a newer schema: not something a retry mends
        }
    }

    // What the file holds, read once: a worker added meanwhile is not given a state it has since left.
    private void Load(SqliteConnection connection)
    {
        if (_loaded)
        {
            return;
        }

        foreach (PersistedWorker persisted in RecordRows.ReadAll(connection))
        {
            if (!_live.ContainsKey(persisted.Id))
            {
                _persisted[persisted.Id] = persisted;
            }
        }

        _loaded = true;
        Log.Opened(_logger, FilePath, _persisted.Count);
    }

    private void WriteDeletes(SqliteConnection connection)
    {
        string[] ids = [.. _deletes];
        if (ids.Length == 0)
        {
            return;
        }

        using (SqliteTransaction tx = connection.BeginTransaction())
        {
            RecordRows.Delete(connection, ids);
            tx.Commit();
        }

        for (int i = 0; i < ids.Length; i++)
        {
            _deletes.TryDequeue(out _);
        }
    }

    private void WriteChanged(SqliteConnection connection)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var batch = new List<(Tracked Tracked, Versions Versions)>(_options.BatchSize);
        foreach (Tracked tracked in _live.Values)
        {
            if (tracked.IsDirty)
            {
                batch.Add((tracked, Versions.Of(tracked.Record)));
                if (batch.Count == _options.BatchSize)
                {
                    Commit(connection, batch, now);
                }
            }
        }

        Commit(connection, batch, now);
    }

    private void Commit(SqliteConnection connection, List<(Tracked Tracked, Versions Versions)> batch, DateTimeOffset now)
    {
        if (batch.Count == 0)
        {
            return;
        }

        using (SqliteTransaction tx = connection.BeginTransaction())
        using (SqliteCommand upsert = RecordRows.Upsert(connection))
        {
            foreach ((Tracked tracked, _) in batch)
            {
                RecordRows.Write(upsert, tracked.Record, now, _options.Serializers);
            }

            tx.Commit();
        }

        foreach ((Tracked tracked, Versions versions) in batch)
        {
            tracked.Written = versions; // a change made while writing shows as a newer version: written next time
        }

        Interlocked.Add(ref _written, batch.Count);
        batch.Clear();
    }

    private void Succeeded(long started)
    {
        Interlocked.Exchange(ref _lastWriteTicks, started);
        if (_lastError is null)
        {
            return;
        }

        Log.Recovered(_logger, FilePath, _failuresInRow);
        _lastError = null;
        _failuresInRow = 0;
        Interlocked.Exchange(ref _nextAttemptTicks, 0);
    }

    private void Failed(string operation, Exception error)
    {
        _connection?.Dispose();
        _connection = null; // reopened on the next attempt: a replaced or repaired file is picked up
        _failuresInRow++;
        Interlocked.Increment(ref _failedAttempts);
        double delayMs = Math.Min(_options.FlushInterval.TotalMilliseconds * Math.Pow(2, Math.Min(_failuresInRow - 1, 30)), _options.MaxRetryDelay.TotalMilliseconds);
        Interlocked.Exchange(ref _nextAttemptTicks, _time.GetUtcNow().AddMilliseconds(delayMs).UtcTicks);
        _lastError = $"SQLite store '{FilePath}': {operation} failed: {error.Message}";
        Log.Failed(_logger, error, FilePath, operation, error.Message, PendingWrites, delayMs);
    }

    private readonly record struct Versions(long State, long Desired, long Observation, long History)
    {
        public static Versions Of(IWorkerRecord record) =>
            new(record.StateVersion, record.DesiredVersion, record.ObservationVersion, record.HistoryVersion);
    }

    private sealed class Tracked(IWorkerRecord record)
    {
        public IWorkerRecord Record { get; } = record;

        public Versions Written { get; set; } = new(-1, -1, -1, -1);

        public bool IsDirty => Versions.Of(Record) != Written;
    }
}
