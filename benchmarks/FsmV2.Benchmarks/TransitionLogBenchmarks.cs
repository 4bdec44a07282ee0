using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsmV2.Benchmarks;

/// <summary>
/// The one thing a listener adds to a tick of transitioning workers (see <see cref="ObservabilityBenchmarks"/>): the
/// transition log event, measured alone — with nothing listening (<see cref="NullLogger"/>) and with a logger enabled
/// at Information that drops the entry (<see cref="DroppingLogger"/>). Transition counting is an array increment
/// either way (ADR 0009), so it is not part of the difference.
/// </summary>
[MemoryDiagnoser]
public class TransitionLogBenchmarks
{
    private readonly ILogger _off = NullLogger.Instance;
    private readonly ILogger _on = new DroppingLogger();
    private readonly string[] _states = ["On", "Off"];

    /// <summary>The event with nothing listening: one IsEnabled check.</summary>
    [Benchmark(Baseline = true)]
    public void NotListening() => Log.Transition(_off, "blink-42", "BlinkWorker", _states[0], _states[1], "my turn");

    /// <summary>The event with a listener at Information.</summary>
    [Benchmark]
    public void Listening() => Log.Transition(_on, "blink-42", "BlinkWorker", _states[0], _states[1], "my turn");
}
