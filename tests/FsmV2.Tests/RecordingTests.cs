using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

public class RecordingTests
{
    private static SupervisorOptions Options(Action<FlightRecorderOptions> configure)
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        configure(options.Recorder);
        return options;
    }

    [Fact]
    public async Task A_steady_worker_keeps_one_entry_that_counts_its_stays()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("idle", new IdleWorker(), new IdleSpec());
        h.Step(10);

        DecisionRecord only = Assert.Single(h.Supervisor.Recorder.GetDecisions("idle"));
        Assert.Equal(("Idle", NextKind.Stay, null, "idle"), (only.State, only.Kind, only.Target, only.Reason));
        Assert.Equal(10, only.Count);
        Assert.Equal(TestClock.Start + TimeSpan.FromMilliseconds(100), only.At);
        Assert.Equal(TestClock.Start + TimeSpan.FromMilliseconds(1000), only.LastAt);
    }

    [Fact]
    public async Task The_ring_keeps_only_the_last_Capacity_decisions_oldest_first()
    {
        await using var h = new Harness(Options(r => r.Capacity = 4));
        h.Supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        h.Step(10);

        IReadOnlyList<DecisionRecord> decisions = h.Supervisor.Recorder.GetDecisions("toggle");
        Assert.Equal(4, decisions.Count);
        Assert.Equal(Enumerable.Range(7, 4).Select(i => TestClock.Start + TimeSpan.FromMilliseconds(100 * i)), decisions.Select(d => d.At));
        Assert.Equal(["Down", "Up", "Down", "Up"], decisions.Select(d => d.Target));
        Assert.All(decisions, d => Assert.Equal((NextKind.Goto, 1), (d.Kind, d.Count)));
    }

    [Fact]
    public async Task A_decision_records_its_state_target_reason_and_the_versions_it_was_made_on()
    {
        var sensor = new ThermostatSensor { Celsius = 17 };
        await using var h = new Harness();
        WorkerHandle<ThermostatSpec, ThermostatReading> handle = h.Supervisor.AddWorker("room", new ThermostatWorker(sensor), new ThermostatSpec());
        h.Step(); // Idle -> Heating on the first observation, 100 ms old
        handle.UpdateSpec(new ThermostatSpec(Target: 16)); // desired version 2
        h.Step(); // Heating -> Idle

        IReadOnlyList<DecisionRecord> decisions = h.Supervisor.Recorder.GetDecisions("room");
        Assert.Equal(decisions, handle.Decisions);
        Assert.Equal(2, decisions.Count);
        Assert.Equal(
            new DecisionRecord(TestClock.Start + TimeSpan.FromMilliseconds(100), "Idle", NextKind.Goto, "Heating", "too cold: 17 °C", 1, TimeSpan.FromMilliseconds(100), 1),
            decisions[0]);
        Assert.Equal(
            new DecisionRecord(TestClock.Start + TimeSpan.FromMilliseconds(200), "Heating", NextKind.Goto, "Idle", "warm enough", 1, TimeSpan.FromMilliseconds(200), 2),
            decisions[1]);
    }

    [Fact]
    public async Task GetDecisions_returns_a_copy_the_tick_does_not_change()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        h.Step(2);
        IReadOnlyList<DecisionRecord> before = h.Supervisor.Recorder.GetDecisions("toggle");
        h.Step(2);

        Assert.Equal(2, before.Count);
        Assert.Equal(4, h.Supervisor.Recorder.GetDecisions("toggle").Count);
    }

    [Fact]
    public async Task An_unknown_worker_id_is_refused_by_name()
    {
        await using var h = new Harness();
        var error = Assert.Throws<ArgumentException>(() => h.Supervisor.Recorder.GetDecisions("nobody"));
        Assert.Contains("'nobody'", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => h.Supervisor.Recorder.Export("nobody", Stream.Null));
    }

    [Fact]
    public async Task Capacity_0_turns_the_recorder_off()
    {
        await using var h = new Harness(Options(r => r.Capacity = 0));
        h.Supervisor.AddWorker("idle", new IdleWorker(), new IdleSpec());
        h.Step(3);

        Assert.False(h.Supervisor.Recorder.IsEnabled);
        Assert.Empty(h.Supervisor.Recorder.WorkerIds);
        var error = Assert.Throws<ArgumentException>(() => h.Supervisor.Recorder.GetDecisions("idle"));
        Assert.Contains("Recorder.Capacity is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recorder_is_on_by_default_and_lists_every_worker()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("a", new IdleWorker(), new IdleSpec());
        h.Supervisor.AddWorker("b", new ToggleWorker(), new ToggleSpec());

        Assert.True(h.Supervisor.Recorder.IsEnabled);
        Assert.Equal(32, new SupervisorOptions().Recorder.Capacity);
        Assert.Equal(["a", "b"], h.Supervisor.Recorder.WorkerIds.Order());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(FlightRecorderOptions.MaxCapacity + 1)]
    public void An_out_of_range_capacity_fails_at_start_naming_the_option(int capacity)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(Options(r => r.Capacity = capacity)));
        Assert.Contains("SupervisorOptions.Recorder.Capacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_capture_or_retention_option_fails_at_start_naming_it()
    {
        Assert.Contains("Recorder.RemovedWorkersKept", Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(Options(r => r.RemovedWorkersKept = -1))).Message, StringComparison.Ordinal);
        Assert.Contains("Recorder.RemovedWorkersKept", Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(Options(r => r.RemovedWorkersKept = FlightRecorderOptions.MaxRemovedWorkersKept + 1))).Message, StringComparison.Ordinal);
        Assert.Contains("Recorder.CaptureBudgetBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(Options(r => r.CaptureBudgetBytes = 0))).Message, StringComparison.Ordinal);
        Assert.Contains("Recorder.CaptureWorkerTypes[0]", Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(Options(r => r.CaptureWorkerTypes = [" "]))).Message, StringComparison.Ordinal);
        SupervisorOptions noRecorder = Harness.DefaultOptions.Clone();
        noRecorder.Recorder = null!;
        Assert.Contains("SupervisorOptions.Recorder", Assert.Throws<ArgumentNullException>(() => new Supervisor(noRecorder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_on_another_thread_never_sees_a_torn_decision()
    {
        await using var h = new Harness(Options(r => r.Capacity = 8));
        h.Supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        using var done = new CancellationTokenSource();
        int reads = 0;
        Task reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                IReadOnlyList<DecisionRecord> copy = h.Supervisor.Recorder.GetDecisions("toggle");
                for (int i = 0; i < copy.Count; i++)
                {
                    // Every entry is one write: Up decides Down, Down decides Up, and times only go forward.
                    Assert.Equal(copy[i].State == "Up" ? "Down" : "Up", copy[i].Target);
                    Assert.True(i == 0 || copy[i].At > copy[i - 1].At);
                }

                reads++;
            }
        }, TestContext.Current.CancellationToken);

        await TickWhileReadingAsync(h, reader, done);
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task Children_are_recorded_under_their_ids()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", new NodeSpec()))));
        h.Step(3);

        Assert.Equal(["line", "line/c1"], h.Supervisor.Recorder.WorkerIds.Order());
        Assert.Contains(h.Supervisor.Recorder.GetDecisions("line/c1"), d => d.Kind == NextKind.Goto);
    }

    [Fact]
    public async Task Only_the_last_RemovedWorkersKept_recordings_of_workers_that_left_are_kept()
    {
        await using var h = new Harness(Options(r => r.RemovedWorkersKept = 1));
        foreach (string id in new[] { "a", "b", "c" })
        {
            h.Supervisor.AddWorker(id, new IdleWorker(), new IdleSpec());
        }

        h.Step();
        foreach (string id in new[] { "a", "b" })
        {
            h.Supervisor.RemoveWorker(id);
            h.Step(); // it signals Remove and leaves
        }

        Assert.Equal(["b", "c"], h.Supervisor.Recorder.WorkerIds.Order());
        Assert.Equal("shutdown requested", h.Supervisor.Recorder.GetDecisions("b")[^1].Reason);
        Assert.Throws<ArgumentException>(() => h.Supervisor.Recorder.GetDecisions("a"));
    }

    [Fact]
    public async Task A_worker_added_again_under_the_same_id_and_type_continues_its_recording()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("a", new IdleWorker(), new IdleSpec());
        h.Step();
        h.Supervisor.RemoveWorker("a");
        h.Step();
        h.Supervisor.AddWorker("a", new IdleWorker(), new IdleSpec());
        h.Step();

        Assert.Equal(["idle", "shutdown requested", "idle"], h.Supervisor.Recorder.GetDecisions("a").Select(d => d.Reason));
    }

    [Fact]
    public async Task An_idle_worker_keeps_its_stay_in_its_slot_and_opens_no_ring_until_it_decides_something_else()
    {
        await using var h = new Harness(Options(r => r.Capacity = 4));
        h.Supervisor.AddWorker("idle", new IdleWorker(), new IdleSpec());
        h.Supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        Assert.Empty(h.Supervisor.Recorder.GetDecisions("idle")); // added, not yet decided
        h.Step(); // idle stays, toggle transitions: only the transition needs a ring
        Assert.Equal(1, h.Supervisor.Recorder.RingCount);
        h.Step(9);

        Assert.Equal(1, h.Supervisor.Recorder.RingCount);
        Assert.Equal((64, 40), (System.Runtime.CompilerServices.Unsafe.SizeOf<DecisionEntry>(), System.Runtime.CompilerServices.Unsafe.SizeOf<DecisionTail>())); // as documented
        DecisionRecord idle = Assert.Single(h.Supervisor.Recorder.GetDecisions("idle"));
        Assert.Equal(("Idle", NextKind.Stay, 10, 1L, 1L), (idle.State, idle.Kind, idle.Count, idle.ObservationVersion, idle.DesiredVersion));
        Assert.Equal((TestClock.Start + TimeSpan.FromMilliseconds(100), TestClock.Start + TimeSpan.FromMilliseconds(1000)), (idle.At, idle.LastAt));
        Assert.Equal(4, h.Supervisor.Recorder.GetDecisions("toggle").Count); // bounded by Capacity as before
        h.Supervisor.RemoveWorker("idle");
        h.Step(); // it signals Remove: the kept stay moves into a ring, then the decision follows it

        Assert.Equal(["idle", "shutdown requested"], h.Supervisor.Recorder.GetDecisions("idle").Select(d => d.Reason));
        Assert.Equal(10, h.Supervisor.Recorder.GetDecisions("idle")[0].Count);
    }

    [Fact]
    public async Task A_reader_on_another_thread_sees_a_coalesced_count_and_its_last_time_together()
    {
        await using var h = new Harness();
        h.Supervisor.AddWorker("idle", new IdleWorker(), new IdleSpec());
        h.Step(); // the first stay, 100 ms after the start
        using var done = new CancellationTokenSource();
        int reads = 0, last = 0;
        Task reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                DecisionRecord only = Assert.Single(h.Supervisor.Recorder.GetDecisions("idle"));
                Assert.Equal(only.At + TimeSpan.FromMilliseconds(only.Count - 1), only.LastAt); // one stay per 1 ms tick
                Assert.True(only.Count >= last);
                last = only.Count;
                reads++;
            }
        }, TestContext.Current.CancellationToken);

        await TickWhileReadingAsync(h, reader, done);
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task A_reader_on_the_tick_thread_sees_the_decision_being_carried_out_instead_of_waiting_for_its_own_tick()
    {
        // The ring writes of a tick are made at its end (DecisionJournal), and readers wait for them; a reader on the
        // tick's own thread (here a logger, called while a transition is logged) must not wait for itself.
        var newest = new List<DecisionRecord>();
        Supervisor? supervisor = null;
        var logger = new TransitionLogReader(() => newest.Add(supervisor!.Recorder.GetDecisions("toggle")[^1]));
        FakeTimeProvider time = TestClock.Clock();
        supervisor = new Supervisor(Harness.DefaultOptions, time, logger);
        supervisor.AddWorker("toggle", new ToggleWorker(), new ToggleSpec());
        for (int i = 0; i < 3; i++)
        {
            // On a thread of its own, so that a tick waiting for itself fails the test instead of hanging it (the
            // supervisor is then left undisposed: its shutdown would wait for that tick too).
            time.Advance(Harness.DefaultOptions.TickInterval);
            await Task.Run(supervisor.Tick, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }

        await supervisor.DisposeAsync();
        Assert.Equal([("Up", "Down"), ("Down", "Up"), ("Up", "Down")], newest.Select(d => (d.State, d.Target!)));
        Assert.All(newest, d => Assert.Equal(NextKind.Goto, d.Kind));
    }

    [Fact]
    public async Task A_child_its_parent_restarts_continues_the_recording_of_its_id()
    {
        await using var h = new Harness(Harness.ExactBackoff());
        int created = 0;
        var first = new CellWorker();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("flaky", new NodeSpec(), () => Interlocked.Increment(ref created) == 1 ? first : new CellWorker()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);
        DecisionRecord started = h.Supervisor.Recorder.GetDecisions("line/flaky").First(d => d.Kind == NextKind.Goto);

        first.Fails = true; // three failed collections open the child's circuit: its parent restarts it after 1 s
        for (int i = 0; i < 4; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            h.Supervisor.Tick();
        }

        h.Step(3);
        Assert.Equal(2, created);
        IReadOnlyList<DecisionRecord> decisions = h.Supervisor.Recorder.GetDecisions("line/flaky");
        DecisionRecord[] starts = [.. decisions.Where(d => (d.State, d.Kind, d.Target) == ("Stopped", NextKind.Goto, "Running"))];
        Assert.Equal(2, starts.Length); // the first instance's start and the restarted one's, in one recording
        Assert.Equal(started, starts[0]);
        Assert.True(starts[1].At > starts[0].At);
        Assert.Equal(decisions.OrderBy(d => d.At), decisions);
        Assert.Equal(("Running", NextKind.Stay), (decisions[^1].State, decisions[^1].Kind));
    }

    // Calls back while the supervisor logs a transition (event 2), on the tick's thread.
    private sealed class TransitionLogReader(Action onTransition) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 2)
            {
                onTransition();
            }
        }
    }

    // 20,000 ticks 1 ms apart (fewer if the reader fails first), then the reader is stopped and awaited.
    private static async Task TickWhileReadingAsync(Harness h, Task reader, CancellationTokenSource done)
    {
        for (int i = 0; i < 20_000 && !reader.IsCompleted; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(1));
            h.Supervisor.Tick();
        }

        await done.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
