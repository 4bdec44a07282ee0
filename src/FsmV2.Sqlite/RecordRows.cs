using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;

namespace FsmV2.Sqlite;

/// <summary>Reads and writes the rows of the <c>workers</c> table.</summary>
internal static class RecordRows
{
    private static readonly JsonSerializerOptions Json = new() { ReferenceHandler = ReferenceHandler.IgnoreCycles };

    private const string UpsertSql = """
        INSERT INTO workers(id, worker_type, parent, desired_json, desired_version, desired_at, state, state_since,
                            restart_count, restart_history, observed_json, collected_at, written_at)
        VALUES ($id, $type, $parent, $desired, $desiredVersion, $desiredAt, $state, $since, $restarts, $history, $observed, $collectedAt, $writtenAt)
        ON CONFLICT(id) DO UPDATE SET worker_type = excluded.worker_type, parent = excluded.parent,
            desired_json = excluded.desired_json, desired_version = excluded.desired_version, desired_at = excluded.desired_at,
            state = excluded.state, state_since = excluded.state_since, restart_count = excluded.restart_count,
            restart_history = excluded.restart_history, observed_json = excluded.observed_json,
            collected_at = excluded.collected_at, written_at = excluded.written_at;
        """;

    private static readonly string[] Parameters =
        ["$id", "$type", "$parent", "$desired", "$desiredVersion", "$desiredAt", "$state", "$since", "$restarts", "$history", "$observed", "$collectedAt", "$writtenAt"];

    public static SqliteCommand Upsert(SqliteConnection connection)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = UpsertSql;
        foreach (string name in Parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>Writes one record with the upsert command of <see cref="Upsert"/>.</summary>
    public static void Write(SqliteCommand upsert, IWorkerRecord record, DateTimeOffset now)
    {
        string id = record.Identity.Id;
        int slash = id.LastIndexOf('/');
        SqliteParameterCollection p = upsert.Parameters;
        p[0].Value = id;
        p[1].Value = record.Identity.WorkerType;
        p[2].Value = slash > 0 ? id[..slash] : DBNull.Value;
        p[3].Value = Serialize(record.DesiredValue);
        p[4].Value = record.DesiredVersion;
        p[5].Value = Time(record.DesiredAt);
        p[6].Value = record.StateName;
        p[7].Value = Time(record.StateSince);
        p[8].Value = record.RestartCount;
        p[9].Value = JsonSerializer.Serialize(record.RestartHistory, Json);
        p[10].Value = Serialize(record.ObservedValue);
        p[11].Value = record.CollectedAt is { } at ? Time(at) : DBNull.Value;
        p[12].Value = Time(now);
        upsert.ExecuteNonQuery();
    }

    public static void Delete(SqliteConnection connection, IEnumerable<string> ids)
    {
        using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM workers WHERE id = $id;";
        SqliteParameter id = delete.Parameters.Add("$id", SqliteType.Text);
        foreach (string one in ids)
        {
            id.Value = one;
            delete.ExecuteNonQuery();
        }
    }

    /// <summary>Every persisted worker, for resume.</summary>
    public static List<PersistedWorker> ReadAll(SqliteConnection connection)
    {
        using SqliteCommand read = connection.CreateCommand();
        read.CommandText = "SELECT id, worker_type, state, state_since, restart_count, restart_history FROM workers;";
        using SqliteDataReader row = read.ExecuteReader();
        var all = new List<PersistedWorker>();
        while (row.Read())
        {
            all.Add(new PersistedWorker(
                row.GetString(0), row.GetString(1), row.GetString(2),
                DateTimeOffset.Parse(row.GetString(3), CultureInfo.InvariantCulture), row.GetInt32(4), History(row.GetString(5))));
        }

        return all;
    }

    private static List<RestartRecord> History(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<RestartRecord>>(json, Json) ?? [];
        }
        catch (JsonException)
        {
            return []; // an unreadable history does not keep the worker from resuming
        }
    }

    private static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    // A value the serialiser cannot write (a delegate, a cycle it cannot break) is kept as its error, not as a failure of the store.
    private static object Serialize(object? value)
    {
        if (value is null)
        {
            return DBNull.Value;
        }

        try
        {
            return JsonSerializer.Serialize(value, value.GetType(), Json);
        }
#pragma warning disable CA1031 // Whatever the worker's type does while serialised, the store goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return JsonSerializer.Serialize(new { serializationError = $"{ex.GetType().Name}: {ex.Message}" }, Json);
        }
    }
}
