using Microsoft.Data.Sqlite;

namespace FsmV2.Sqlite;

/// <summary>The file's schema: a version table and forward migrations (migration i takes version i to i + 1).</summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE workers(
            id TEXT PRIMARY KEY NOT NULL,
            worker_type TEXT NOT NULL,
            parent TEXT,
            desired_json TEXT,
            desired_version INTEGER NOT NULL,
            desired_at TEXT NOT NULL,
            state TEXT NOT NULL,
            state_since TEXT NOT NULL,
            restart_count INTEGER NOT NULL,
            restart_history TEXT NOT NULL,
            observed_json TEXT,
            collected_at TEXT,
            written_at TEXT NOT NULL)
        """,
        // 2: the supervision history (faults, circuit changes, escalations) and the last action results, as JSON.
        "ALTER TABLE workers ADD COLUMN history_json TEXT",
    ];

    /// <summary>The schema version this library writes.</summary>
    public static int Version => Migrations.Length;

    /// <summary>WAL, then the schema brought up to <see cref="Version"/>.</summary>
    /// <exception cref="InvalidOperationException">The file has a newer schema than this library knows.</exception>
    public static void Prepare(SqliteConnection connection, string path)
    {
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, "PRAGMA synchronous = NORMAL;");
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);");
        using SqliteCommand read = connection.CreateCommand();
        read.CommandText = "SELECT MAX(version) FROM schema_version;";
        long version = read.ExecuteScalar() is long v ? v : 0;
        if (version > Version)
        {
            throw new InvalidOperationException(
                $"SQLite store '{path}' has schema version {version}, newer than this FsmV2.Toolkit.Sqlite knows (up to {Version}): open it with a newer version of the library.");
        }

        for (long from = version; from < Version; from++)
        {
            using SqliteTransaction tx = connection.BeginTransaction();
            Execute(connection, Migrations[from]);
            using SqliteCommand mark = connection.CreateCommand();
            mark.CommandText = "INSERT INTO schema_version(version) VALUES ($v);";
            mark.Parameters.AddWithValue("$v", from + 1);
            mark.ExecuteNonQuery();
            tx.Commit();
        }
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
