using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace FsmV2.Sqlite;

/// <summary>How a <see cref="SqliteWorkerStore"/> writes: how often, how much per transaction, how it retries.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// How often the background writer commits what changed (1 s). This is the window a crash can lose: after a
    /// kill, every worker resumes in a state it held at most this long (plus one write) before.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Records per transaction (1,000).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>The longest wait between two attempts after the database failed (30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a write waits for a database another connection has locked before it fails (1 s; rounded up to whole seconds).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where the store logs its failures and recoveries; nothing when <see langword="null"/>.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The clock of the background writer; <see cref="System.TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>How a worker's desired and observed values are written, by their type; System.Text.Json by reflection for a type not here.</summary>
    internal Dictionary<Type, Func<object, string>> Serializers { get; private set; } = [];

    /// <summary>
    /// Writes values of type <typeparamref name="T"/> (a worker's desired or observed type) with
    /// <paramref name="typeInfo"/>, for instance from a source-generated <c>JsonSerializerContext</c>: no reflection,
    /// so trimmed and native AOT applications can persist the type, and the worker chooses names and converters.
    /// </summary>
    /// <returns>These options, for chaining.</returns>
    public SqliteStoreOptions UseJson<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        Serializers[typeof(T)] = value => JsonSerializer.Serialize((T)value, typeInfo);
        return this;
    }

    /// <summary>
    /// Writes values of type <typeparamref name="T"/> (a worker's desired or observed type) with the worker's own
    /// <paramref name="serializer"/>; its text is stored as it is. A serializer that throws is stored as its error
    /// (<c>{"serializationError": …}</c>), and the store goes on.
    /// </summary>
    /// <returns>These options, for chaining.</returns>
    public SqliteStoreOptions UseSerializer<T>(Func<T, string> serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        Serializers[typeof(T)] = value => serializer((T)value);
        return this;
    }

    /// <summary>Runs on every new connection once it is ready (tests make it read-only or limit its size this way).</summary>
    internal Action<Microsoft.Data.Sqlite.SqliteConnection>? OnConnected { get; set; }

    internal SqliteStoreOptions Clone()
    {
        var copy = (SqliteStoreOptions)MemberwiseClone();
        copy.Serializers = new Dictionary<Type, Func<object, string>>(Serializers);
        return copy;
    }

    internal void Validate()
    {
        if (FlushInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "SqliteStoreOptions.FlushInterval must be positive.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "SqliteStoreOptions.BatchSize must be at least 1.");
        }

        if (MaxRetryDelay < FlushInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, "SqliteStoreOptions.MaxRetryDelay must be at least FlushInterval.");
        }

        if (BusyTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, "SqliteStoreOptions.BusyTimeout must be positive (SQLite's 0 would wait for ever).");
        }
    }
}
