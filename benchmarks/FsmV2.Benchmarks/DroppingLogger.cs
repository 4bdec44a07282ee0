using Microsoft.Extensions.Logging;

namespace FsmV2.Benchmarks;

/// <summary>A listener at Information and above that drops every entry (no formatting, no I/O): what is measured is the toolkit's side of a log call.</summary>
internal sealed class DroppingLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
    }
}
