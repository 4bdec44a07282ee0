using System.Diagnostics.Metrics;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Logging;

namespace FsmV2.Tests;

public class AllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // parked after their first decision (SkipUnchangedStays)
    public async Task A_tick_over_1000_idle_workers_allocates_nothing_after_warm_up(bool skipUnchanged)
    {
        var time = TestClock.Clock();
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.SkipUnchangedStays = skipUnchanged;
        await using var supervisor = new Supervisor(options, time, logger: null, new ActionPool(4, 100));
        var spec = new IdleSpec();
        for (int i = 0; i < 1_000; i++)
        {
            supervisor.AddWorker($"idle-{i}", new IdleWorker(), spec);
        }

        supervisor.Tick(); // warm-up: JIT, first decisions
        supervisor.Tick();
        Assert.All(supervisor.GetStatus(), s => Assert.Equal("idle", s.Reason));
        Assert.Equal(skipUnchanged ? 1_000 : 0, supervisor.ParkedCount);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            supervisor.Tick();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(102, supervisor.TickCount);
        DecisionRecord recorded = Assert.Single(supervisor.Recorder.GetDecisions("idle-0")); // recording is on by default
        Assert.Equal(102, recorded.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ticks_that_transition_every_worker_allocate_nothing_with_or_without_listeners(bool listening)
    {
        const int Workers = 100;
        var time = TestClock.Clock();
        using var meters = new TestMeterFactory();
        using var listener = new MeterListener();
        long measured = 0;
        var logger = new DroppingLogger(listening);
        if (listening)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == FsmV2Telemetry.Instruments.StateTransitions)
                {
                    measured += value;
                }
            });
            listener.Start();
        }

        await using var supervisor = new Supervisor(Harness.DefaultOptions, time, logger, new ActionPool(4, 100), meters);
        for (int i = 0; i < Workers; i++)
        {
            supervisor.AddWorker($"toggle-{i}", new ToggleWorker(), new ToggleSpec());
        }

        supervisor.Tick(); // warm-up: JIT, first transitions
        supervisor.Tick();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            supervisor.Tick();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(32, supervisor.Recorder.GetDecisions("toggle-0").Count); // recording is on by default: a full ring, overwritten every tick
        Assert.Equal(listening ? 102 * Workers : 0, logger.Transitions);
        listener.RecordObservableInstruments();
        Assert.Equal(listening ? 102 * Workers : 0, measured);
    }

    [Fact]
    public void Deciding_through_the_generated_adapter_allocates_nothing()
    {
        IWorkerMachine<PumpConfig, PumpStatus> pump = new PumpWorker();
        var snapshot = new Snapshot<PumpConfig, PumpStatus>(
            new WorkerIdentity("pump", "PumpWorker"), new PumpConfig(), new PumpStatus(Running: true), default, default, shutdownRequested: false);
        int state = (int)PumpWorker.State.Starting;
        Next next = pump.Decide(state, in snapshot); // warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            next = pump.Decide(state, in snapshot);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(NextKind.Goto, next.Kind);
        Assert.Equal((int)PumpWorker.State.Running, next.State);
        Assert.True(pump.Definition.IsDeclared(state, next.State));
    }

    /// <summary>Enabled at Information when <c>enabled</c>; counts transition events and drops everything.</summary>
    private sealed class DroppingLogger(bool enabled) : ILogger
    {
        public int Transitions { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => enabled && logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "Transition")
            {
                Transitions++;
            }
        }
    }
}
