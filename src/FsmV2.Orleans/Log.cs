using Microsoft.Extensions.Logging;

namespace FsmV2.Orleans;

internal static partial class Log
{
    [LoggerMessage(EventId = 90, Level = LogLevel.Information, Message = "Worker grain {Id} activated on {Silo}: root of type {WorkerType}, {Records} persisted record(s) to resume")]
    public static partial void Activated(ILogger logger, string id, string silo, string workerType, int records);

    [LoggerMessage(EventId = 91, Level = LogLevel.Error, Message = "Worker grain {Id}: writing its grain state failed ({Error}); the workers run on and the write is tried again after the next tick")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string id, string error);

    [LoggerMessage(EventId = 92, Level = LogLevel.Warning, Message = "Worker grain {Id}: the root worker could not be resumed from its grain state ({Error}); the grain hosts nothing until it is added again")]
    public static partial void ResumeFailed(ILogger logger, Exception exception, string id, string error);

    [LoggerMessage(EventId = 93, Level = LogLevel.Information, Message = "Worker grain {Id}: the root worker left; its grain state is cleared")]
    public static partial void Removed(ILogger logger, string id);

    [LoggerMessage(EventId = 94, Level = LogLevel.Debug, Message = "FsmV2 keeper on {Silo}: {Failed} of {Total} worker grain(s) did not answer this sweep ({Error})")]
    public static partial void SweepIncomplete(ILogger logger, string silo, int failed, int total, string error);

    [LoggerMessage(EventId = 97, Level = LogLevel.Debug, Message = "FsmV2 keeper on {Silo}: {Failed} of {Total} fleet shard(s) did not answer this sweep ({Error}); the workers they hold are called on the next sweep")]
    public static partial void ShardsUnread(ILogger logger, string silo, int failed, int total, string error);

    [LoggerMessage(EventId = 95, Level = LogLevel.Warning, Message = "Worker grain {Id} on {Silo}: its write was refused as stale ({Error}): another activation wrote since; this activation is fenced (it stops ticking, writes nothing more and deactivates) and the newer state is kept")]
    public static partial void Fenced(ILogger logger, string id, string silo, string error);

    [LoggerMessage(EventId = 96, Level = LogLevel.Information, Message = "Worker grain {Id} on {Silo}: claiming its grain state was refused (attempt {Attempt}: {Error}); another activation wrote after this one read: reading the newer state")]
    public static partial void ClaimRefused(ILogger logger, string id, string silo, int attempt, string error);
}
