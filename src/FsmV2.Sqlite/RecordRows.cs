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
                            restart_count, restart_history, observed_json, collected_at, written_at, history_json)
        VALUES ($id, $type, $parent, $desired, $desiredVersion, $desiredAt, $state, $since, $restarts, $history, $observed, $collectedAt, $writtenAt, $supervision)
        ON CONFLICT(id) DO UPDATE SET worker_type = excluded.worker_type, parent = excluded.parent,
            desired_json = excluded.desired_json, desired_version = excluded.desired_version, desired_at = excluded.desired_at,
            state = excluded.state, state_since = excluded.state_since, restart_count = excluded.restart_count,
            restart_history = excluded.restart_history, observed_json = excluded.observed_json,
            collected_at = excluded.collected_at, written_at = excluded.written_at, history_json = excluded.history_json;
        """;

    private static readonly string[] Parameters =
        ["$id", "$type", "$parent", "$desired", "$desiredVersion", "$desiredAt", "$state", "$since", "$restarts", "$history", "$observed", "$collectedAt", "$writtenAt", "$supervision"];

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
    public static void Write(SqliteCommand upsert, IWorkerRecord record, DateTimeOffset now, Dictionary<Type, Func<object, string>> serializers)
    {
        string id = record.Identity.Id;
        int slash = id.LastIndexOf('/');
        SqliteParameterCollection p = upsert.Parameters;
        p[0].Value = id;
        p[1].Value = record.Identity.WorkerType;
        p[2].Value = slash > 0 ? id[..slash] : DBNull.Value;
        p[3].Value = Serialize(record.DesiredValue, serializers);
        p[4].Value = record.DesiredVersion;
        p[5].Value = Time(record.DesiredAt);
        p[6].Value = record.StateName;
        p[7].Value = Time(record.StateSince);
        p[8].Value = record.RestartCount;
        p[9].Value = JsonSerializer.Serialize(record.RestartHistory, StoreJson.Default.IReadOnlyListRestartRecord);
        p[10].Value = Serialize(record.ObservedValue, serializers);
        p[11].Value = record.CollectedAt is { } at ? Time(at) : DBNull.Value;
        p[12].Value = Time(now);
        p[13].Value = JsonSerializer.Serialize(new HistoryRow(record.SupervisionHistory, [.. record.RecentActions.Select(ActionRow.Of)]), StoreJson.Default.HistoryRow);
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
        read.CommandText = "SELECT id, worker_type, state, state_since, restart_count, restart_history, history_json, observed_json, collected_at FROM workers;";
        using SqliteDataReader row = read.ExecuteReader();
        var all = new List<PersistedWorker>();
        while (row.Read())
        {
            all.Add(new PersistedWorker(
                row.GetString(0), row.GetString(1), row.GetString(2),
                DateTimeOffset.Parse(row.GetString(3), CultureInfo.InvariantCulture), row.GetInt32(4), History(row.GetString(5)))
                .With(row.IsDBNull(6) ? null : Read(row.GetString(6), StoreJson.Default.HistoryRow)) with
                {
                    ObservedJson = row.IsDBNull(7) ? null : row.GetString(7),
                    CollectedAt = row.IsDBNull(8) ? null : DateTimeOffset.Parse(row.GetString(8), CultureInfo.InvariantCulture),
                });
        }

        return all;
    }

    private static List<RestartRecord> History(string json) => Read(json, StoreJson.Default.ListRestartRecord) ?? [];

    private static PersistedWorker With(this PersistedWorker persisted, HistoryRow? history) => history is null ? persisted : persisted with
    {
        SupervisionHistory = history.Supervision ?? [],
        RecentActions = [.. (history.Actions ?? []).Select(static a => a.ToResult())],
    };

    private static T? Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null; // an unreadable history does not keep the worker from resuming
        }
    }

    private static string Time(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    // A value the serialiser cannot write (a delegate, a cycle it cannot break) is kept as its error, not as a failure of the store.
    private static object Serialize(object? value, Dictionary<Type, Func<object, string>> serializers)
    {
        if (value is null)
        {
            return DBNull.Value;
        }

        try
        {
            return serializers.TryGetValue(value.GetType(), out Func<object, string>? own) ? own(value) : JsonSerializer.Serialize(value, value.GetType(), Json);
        }
#pragma warning disable CA1031 // Whatever the worker's type does while serialised, the store goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return JsonSerializer.Serialize(new SerializationError($"{ex.GetType().Name}: {ex.Message}"), StoreJson.Default.SerializationError);
        }
    }
}

/// <summary>The <c>history_json</c> column: supervision events and the last action results.</summary>
internal sealed record HistoryRow(IReadOnlyList<SupervisionEvent>? Supervision, IReadOnlyList<ActionRow>? Actions);

/// <summary>An action result as stored: its error as text (the exception itself does not survive the process).</summary>
internal sealed record ActionRow(string Action, ActionOutcome Outcome, TimeSpan Duration, string? Error, DateTimeOffset CompletedAt)
{
    public static ActionRow Of(ActionResult result) =>
        new(result.Action, result.Outcome, result.Duration, result.Error is { } e ? $"{e.GetType().Name}: {e.Message}" : null, result.CompletedAt);

    public ActionResult ToResult() => new(Action, Outcome, Duration, Error is null ? null : new PersistedError(Error), CompletedAt);
}

/// <summary>The error of an action that failed in an earlier process: its type's name and its message.</summary>
internal sealed class PersistedError : Exception
{
    public PersistedError()
    {
    }

    public PersistedError(string message)
        : base(message)
    {
    }

    public PersistedError(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>What is stored instead of a value its serializer could not write.</summary>
internal sealed record SerializationError([property: System.Text.Json.Serialization.JsonPropertyName("serializationError")] string Message);

/// <summary>The store's own rows, source-generated: no reflection, so they are written the same under trimming and AOT.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(HistoryRow))]
[JsonSerializable(typeof(List<RestartRecord>))]
[JsonSerializable(typeof(IReadOnlyList<RestartRecord>))]
[JsonSerializable(typeof(SerializationError))]
internal sealed partial class StoreJson : JsonSerializerContext;
