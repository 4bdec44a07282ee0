using Microsoft.Data.Sqlite;
using Orleans.Serialization;
using Orleans.Storage;

namespace ClusterSample;

/// <summary>
/// Grain storage in one SQLite file that every silo process opens: a grain's state outlives its silo, so a worker
/// re-activated on another silo resumes from it. Each state is kept as Orleans-serialized bytes with an ETag; a write
/// whose ETag is not the stored one is refused (<see cref="InconsistentStateException"/>), so two activations of one
/// grain could never overwrite each other silently. A sample: one file on one machine, not a production store.
/// </summary>
internal sealed class SqliteGrainStorage(string path, Serializer serializer) : IGrainStorage
{
    private readonly string _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    /// <summary>Creates the file and its table, in WAL mode (readers and the one writer of the moment do not block each other).</summary>
    public static void Create(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS grains (key TEXT PRIMARY KEY, etag TEXT NOT NULL, data BLOB NOT NULL);";
        cmd.ExecuteNonQuery();
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using SqliteConnection db = await OpenAsync().ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "SELECT etag, data FROM grains WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", Key(stateName, grainId));
        await using SqliteDataReader row = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        if (await row.ReadAsync().ConfigureAwait(false))
        {
            grainState.ETag = row.GetString(0);
            grainState.State = serializer.Deserialize<T>((byte[])row.GetValue(1));
            grainState.RecordExists = true;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string etag = Guid.NewGuid().ToString("N");
        await using SqliteConnection db = await OpenAsync().ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        // A new row, or the stored row if its ETag is the one this activation read or wrote last.
        cmd.CommandText = """
            INSERT INTO grains (key, etag, data) VALUES ($key, $etag, $data)
            ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data WHERE grains.etag = $expected
            """;
        cmd.Parameters.AddWithValue("$key", Key(stateName, grainId));
        cmd.Parameters.AddWithValue("$etag", etag);
        cmd.Parameters.AddWithValue("$data", serializer.SerializeToArray(grainState.State));
        cmd.Parameters.AddWithValue("$expected", (object?)grainState.ETag ?? DBNull.Value);
        if (await cmd.ExecuteNonQueryAsync().ConfigureAwait(false) == 0)
        {
            throw new InconsistentStateException($"Grain state '{stateName}' of {grainId} was written by another activation (ETag {grainState.ETag ?? "none"} is not the stored one).", "(stored)", grainState.ETag);
        }

        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using SqliteConnection db = await OpenAsync().ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "DELETE FROM grains WHERE key = $key AND etag IS $expected";
        cmd.Parameters.AddWithValue("$key", Key(stateName, grainId));
        cmd.Parameters.AddWithValue("$expected", (object?)grainState.ETag ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var db = new SqliteConnection(_connection);
        await db.OpenAsync().ConfigureAwait(false);
        return db;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
