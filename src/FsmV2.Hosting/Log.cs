using Microsoft.Extensions.Logging;

namespace FsmV2.Hosting;

/// <summary>The log events of the hosting integration (ids 81-82; the hosted service's own are 900+).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 81, Level = LogLevel.Information, Message = "Worker {WorkerId}: spec reloaded from configuration section {Section}")]
    public static partial void SpecReloaded(ILogger logger, string workerId, string section);

    [LoggerMessage(EventId = 82, Level = LogLevel.Warning, Message = "Worker {WorkerId}: configuration section {Section} changed but cannot be used ({Problem}); the worker keeps its previous spec")]
    public static partial void SpecReloadFailed(ILogger logger, string workerId, string section, string problem);
}
