using Microsoft.Extensions.Logging;

namespace FsmV2.Dashboard;

internal static partial class Log
{
    [LoggerMessage(EventId = 75, Level = LogLevel.Information, Message = "FsmV2 dashboard mapped at {Path}; operator actions {Actions}")]
    public static partial void Mapped(ILogger logger, string path, string actions);

    [LoggerMessage(EventId = 76, Level = LogLevel.Warning, Message = "Dashboard operator {User}: {Action} on worker {WorkerId} ({Scope}) — {Outcome}")]
    public static partial void OperatorAction(ILogger logger, string user, string action, string workerId, string scope, string outcome);

    [LoggerMessage(EventId = 77, Level = LogLevel.Warning, Message = "Dashboard refused {Action} on worker {WorkerId} from {User}: the anti-forgery token is missing or invalid")]
    public static partial void AntiforgeryRefused(ILogger logger, string action, string workerId, string user);

    [LoggerMessage(EventId = 78, Level = LogLevel.Warning, Message = "Dashboard: the desired state of worker {WorkerId} ({Type}) opts in to be shown but could not be serialised: {Error}")]
    public static partial void SpecNotSerialisable(ILogger logger, string workerId, string type, string error);
}
