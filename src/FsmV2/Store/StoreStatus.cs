namespace FsmV2;

/// <summary>
/// How a persistent store is doing, for operators, dashboards and health checks (<see cref="SupervisionTotals.Store"/>).
/// While it fails, the supervisor runs on in memory and nothing is dropped: the writes wait in <see cref="PendingWrites"/>.
/// </summary>
/// <param name="Name">What the store is and where (for SQLite: the file).</param>
/// <param name="IsHealthy">Whether its last attempt to open or write succeeded.</param>
/// <param name="LastError">The last failure, naming the file and the operation; <see langword="null"/> while healthy.</param>
/// <param name="FailedAttempts">Attempts to open or write that failed so far.</param>
/// <param name="PendingWrites">Records changed since they were last written, and removals not yet made.</param>
/// <param name="WrittenRecords">Records written so far.</param>
/// <param name="LastWriteAt">
/// When the last successful write began, or <see langword="null"/> before the first: every change made before it is
/// in the store, so a crash loses at most what changed since.
/// </param>
/// <param name="NextAttemptAt">While failing: when the store tries again (the delay doubles with each failure); else <see langword="null"/>.</param>
public sealed record StoreStatus(
    string Name,
    bool IsHealthy,
    string? LastError,
    long FailedAttempts,
    int PendingWrites,
    long WrittenRecords,
    DateTimeOffset? LastWriteAt,
    DateTimeOffset? NextAttemptAt);
