using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using FsmV2.Benchmarks.Workers;
using FsmV2.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsmV2.Benchmarks;

/// <summary>
/// What listening costs: one <see cref="Supervisor.Tick"/> over 1,000 <see cref="BlinkWorker"/>s, of which 100
/// transition on every tick (so the transition log event fires and the transitions counter counts 100 times per
/// tick; the counter is read when a listener collects, ADR 0009),
/// measured without listeners (<see cref="NullLogger"/>, no <see cref="MeterListener"/>; the baseline) and with
/// them (a <see cref="MeterListener"/> enabling every instrument of the <c>FsmV2</c> meter, and a logger enabled
/// at Information whose sink drops what it gets). The Ratio column is the cost of listening. The same tick, nothing
/// listening, with the flight recorder off (<see cref="FlightRecorderOptions.Capacity"/> 0; the baseline of the
/// <c>Recorder</c> category) and on (the default 32 decisions per worker): 100 ring writes and 900 coalesced stays
/// per tick. The Ratio column of that category is the cost of recording.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ObservabilityBenchmarks
{
    /// <summary>Workers under the supervisor.</summary>
    public const int WorkerCount = 1_000;

    private readonly BlinkPhase _phase = new();
    private Supervisor _supervisor = null!;
    private MeterListener? _listener;
    private TestMeterFactory? _meters; // meters of this benchmark only
    private long _measurements;

    [GlobalSetup(Target = nameof(NoListeners))]
    public void SetupWithout() => Setup(NullLogger.Instance, meterFactory: null);

    [GlobalSetup(Target = nameof(RecorderOff))]
    public void SetupRecorderOff() => Setup(NullLogger.Instance, meterFactory: null, recorderCapacity: 0);

    [GlobalSetup(Target = nameof(RecorderOn))]
    public void SetupRecorderOn() => Setup(NullLogger.Instance, meterFactory: null, recorderCapacity: new FlightRecorderOptions().Capacity);

    [GlobalSetup(Target = nameof(WithListeners))]
    public void SetupWith()
    {
        _meters = new TestMeterFactory();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FsmV2Telemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _measurements, value));
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => Interlocked.Add(ref _measurements, value));
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
        _listener.Start();
        Setup(new DroppingLogger(), _meters);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _supervisor.ShutdownAsync().GetAwaiter().GetResult();
        _listener?.Dispose();
        _meters?.Dispose();
    }

    /// <summary>One tick, nothing listening.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Listeners")]
    public void NoListeners()
    {
        _phase.Value++;
        _supervisor.Tick();
    }

    /// <summary>One tick, metrics and Information logs enabled.</summary>
    [Benchmark]
    [BenchmarkCategory("Listeners")]
    public void WithListeners()
    {
        _phase.Value++;
        _supervisor.Tick();
    }

    /// <summary>One tick, nothing listening, the flight recorder off.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Recorder")]
    public void RecorderOff()
    {
        _phase.Value++;
        _supervisor.Tick();
    }

    /// <summary>One tick, nothing listening, the flight recorder on (default capacity).</summary>
    [Benchmark]
    [BenchmarkCategory("Recorder")]
    public void RecorderOn()
    {
        _phase.Value++;
        _supervisor.Tick();
    }

    private void Setup(ILogger logger, IMeterFactory? meterFactory, int? recorderCapacity = null)
    {
        var time = TestClock.Clock();
        var options = new SupervisorOptions();
        options.Recorder.Capacity = recorderCapacity ?? options.Recorder.Capacity;
        _supervisor = new Supervisor(options, time, logger, meterFactory: meterFactory);
        for (int i = 0; i < WorkerCount; i++)
        {
            _supervisor.AddWorker($"blink-{i}", new BlinkWorker(_phase), new BlinkConfig(i % 10));
        }

        // Warm up, then check that exactly a tenth of the workers transitioned on the last tick.
        for (int i = 0; i < 10; i++)
        {
            _phase.Value++;
            _supervisor.Tick();
        }

        int on = _supervisor.GetStatus().Count(s => s.State == "On");
        _phase.Value++;
        _supervisor.Tick();
        int switched = Math.Abs(_supervisor.GetStatus().Count(s => s.State == "On") - on);
        if (switched != WorkerCount / 10)
        {
            throw new InvalidOperationException($"Expected {WorkerCount / 10} workers to switch on a tick, saw a net change of {switched}.");
        }

        if (recorderCapacity > 0 && _supervisor.Recorder.GetDecisions("blink-0").Count == 0)
        {
            throw new InvalidOperationException("The flight recorder recorded nothing.");
        }

        _listener?.RecordObservableInstruments(); // what an exporter does on each collection
        if (_listener is not null && Interlocked.Read(ref _measurements) == 0)
        {
            throw new InvalidOperationException("The listener saw no measurement: the supervisor's meter is not the one listened to.");
        }
    }
}
