using Microsoft.Extensions.Logging;

namespace FsmV2.Sqlite;

internal static partial class Log
{
    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "SQLite store {Path} opened: {Records} persisted worker record(s) to resume")]
    public static partial void Opened(ILogger logger, string path, int records);

    [LoggerMessage(EventId = 71, Level = LogLevel.Error, Message = "SQLite store {Path}: {Operation} failed ({Error}); the supervisor keeps running in memory, {Pending} write(s) pending, next attempt in {RetryInMs} ms")]
    public static partial void Failed(ILogger logger, Exception exception, string path, string operation, string error, int pending, double retryInMs);

    [LoggerMessage(EventId = 72, Level = LogLevel.Information, Message = "SQLite store {Path} recovered after {Failures} failed attempt(s); pending writes caught up")]
    public static partial void Recovered(ILogger logger, string path, int failures);

    [LoggerMessage(EventId = 73, Level = LogLevel.Warning, Message = "SQLite store {Path}: {Count} persisted record(s) were not resumed by this process (not added, or their worker type is not registered) and are kept: {Records}")]
    public static partial void Unclaimed(ILogger logger, string path, int count, string records);
}
