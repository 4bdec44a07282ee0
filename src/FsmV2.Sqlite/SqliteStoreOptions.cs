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

    internal SqliteStoreOptions Clone() => (SqliteStoreOptions)MemberwiseClone();

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
