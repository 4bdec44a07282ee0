using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClusterSample;

/// <summary>
/// Grain storage in one SQLite file that every silo process opens: a grain's state outlives its silo, so a worker
/// re-activated on another silo resumes from it. Each state is kept as Orleans-serialized bytes with an ETag; a write
/// whose ETag is not the stored one is refused (<see cref="InconsistentStateException"/>), so two activations of one
/// grain could never overwrite each other silently. Writes go through one writer thread per silo, which commits what
/// is queued in one transaction: grain threads never wait on SQLite's file lock (the silos share it). A sample: one
/// file on one machine, not a production store.
/// </summary>
internal sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private readonly string _connection;
    private readonly Serializer _serializer;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writer;

    public SqliteGrainStorage(string path, Serializer serializer)
    {
        _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString();
        _serializer = serializer;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "grain storage writer" };
        _writer.Start();
    }

    /// <summary>Creates the file and its table, in WAL mode (readers and the one writer of the moment do not block each other).</summary>
    public static void Create(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS grains (key TEXT PRIMARY KEY, etag TEXT NOT NULL, data BLOB NOT NULL);";
        cmd.ExecuteNonQuery();
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var db = new SqliteConnection(_connection);
        db.Open();
        using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "SELECT etag, data FROM grains WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", Key(stateName, grainId));
        using SqliteDataReader row = cmd.ExecuteReader();
        if (row.Read())
        {
            grainState.ETag = row.GetString(0);
            grainState.State = _serializer.Deserialize<T>((byte[])row.GetValue(1));
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string etag = Guid.NewGuid().ToString("N");
        var write = new Write(Key(stateName, grainId), grainState.ETag, etag, _serializer.SerializeToArray(grainState.State));
        await _writes.Writer.WriteAsync(write).ConfigureAwait(false);
        await write.Done.Task.ConfigureAwait(false);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var clear = new Write(Key(stateName, grainId), grainState.ETag, null, null);
        await _writes.Writer.WriteAsync(clear).ConfigureAwait(false);
        await clear.Done.Task.ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public void Dispose() => _writes.Writer.TryComplete();

    private void WriteLoop()
    {
        using var db = new SqliteConnection(_connection);
        db.Open();
        using (SqliteCommand pragma = db.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL"; // WAL: a commit is durable against a crash of the process (the sample's failure), not of the machine
            pragma.ExecuteNonQuery();
        }

        var batch = new List<Write>();
        while (_writes.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < 1_000 && _writes.Reader.TryRead(out Write? w))
            {
                batch.Add(w);
            }

            Commit(db, batch);
            batch.Clear();
        }
    }

    // One transaction for the batch; each write succeeds or fails on its own ETag.
    private static void Commit(SqliteConnection db, List<Write> batch)
    {
        try
        {
            using SqliteTransaction tx = db.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: waits for the file lock here, not mid-batch
            var outcomes = batch.Select(w => (w, Error: Apply(db, tx, w))).ToList();
            tx.Commit();
            foreach ((Write w, Exception? error) in outcomes)
            {
                _ = error is null ? w.Done.TrySetResult() : w.Done.TrySetException(error);
            }
        }
        catch (SqliteException ex)
        {
            batch.ForEach(w => w.Done.TrySetException(ex));
        }
    }

    private static InconsistentStateException? Apply(SqliteConnection db, SqliteTransaction tx, Write w)
    {
        using SqliteCommand cmd = db.CreateCommand();
        cmd.Transaction = tx;
        // A new row, or the stored row if its ETag is the one this activation read or wrote last.
        cmd.CommandText = w.Data is null
            ? "DELETE FROM grains WHERE key = $key AND etag IS $expected"
            : """
              INSERT INTO grains (key, etag, data) VALUES ($key, $etag, $data)
              ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data WHERE grains.etag = $expected
              """;
        cmd.Parameters.AddWithValue("$key", w.Key);
        cmd.Parameters.AddWithValue("$expected", (object?)w.Expected ?? DBNull.Value);
        if (w.Data is not null)
        {
            cmd.Parameters.AddWithValue("$etag", w.ETag);
            cmd.Parameters.AddWithValue("$data", w.Data);
        }

        return cmd.ExecuteNonQuery() == 0 && w.Data is not null
            ? new InconsistentStateException($"Grain state {w.Key} was written by another activation (ETag {w.Expected ?? "none"} is not the stored one).", "(stored)", w.Expected)
            : null;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    private sealed record Write(string Key, string? Expected, string? ETag, byte[]? Data)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
