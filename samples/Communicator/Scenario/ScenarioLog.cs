using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Communicator.Scenario;

/// <summary>
/// The sample's log sink: prints transitions, authentications and warnings as timestamped lines of the live view,
/// keeps every formatted line (so the summary can check that no secret was logged), and counts the transitions
/// into each state.
/// </summary>
internal sealed class ScenarioLog : ILoggerProvider
{
    private readonly Stopwatch _clock;
    private readonly TextWriter _out;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentDictionary<string, int> _entered = new(StringComparer.Ordinal);

    public ScenarioLog(Stopwatch clock, TextWriter output)
    {
        _clock = clock;
        _out = output;
    }

    public IReadOnlyCollection<string> Lines => _lines;

    public int Entered(string state) => _entered.TryGetValue(state, out int n) ? n : 0;

    public void Print(string line)
    {
        lock (_out)
        {
            _out.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.00}s] {line}");
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ScenarioLog sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            string line = exception is null ? message : $"{message}: {exception.Message}";
            sink._lines.Enqueue($"{logLevel} {category}: {line}");
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && category == "FsmV2.Supervisor" && eventId.Id == 2)
            {
                foreach (KeyValuePair<string, object?> pair in values)
                {
                    if (pair.Key == "ToState" && pair.Value is string to)
                    {
                        sink._entered.AddOrUpdate(to, 1, static (_, n) => n + 1);
                    }
                }
            }

            bool show = logLevel >= LogLevel.Warning || (logLevel >= LogLevel.Information && (category.StartsWith("FsmV2", StringComparison.Ordinal) || category.StartsWith("Communicator", StringComparison.Ordinal)));
            if (show)
            {
                sink.Print((logLevel >= LogLevel.Warning ? "  ! " : "  > ") + line);
            }
        }
    }
}
