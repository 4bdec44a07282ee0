using FsmV2.Tests.Workers;

namespace FsmV2.Testing.Tests;

/// <summary>The harness: a supervisor on a fake clock, scripted observations, actions completed on demand, assertions.</summary>
public class HarnessTests
{
    private static WorkerHarness<PumpConfig, PumpStatus> Pump(bool run = true, WorkerHarnessOptions? options = null) =>
        new(new PumpWorker(), new PumpConfig(Run: run), new PumpStatus(Running: false), options);

    [Fact]
    public async Task NothingIsDecidedBeforeTheFirstTick()
    {
        await using var h = Pump();

        h.AssertState(PumpWorker.State.Stopped);
        Assert.Empty(h.Events);
    }

    [Fact]
    public async Task APumpStartsThroughItsActionAndRunsOnceObserved()
    {
        await using var h = Pump();

        h.Tick();
        h.AssertTransitioned(PumpWorker.State.Stopped, PumpWorker.State.Starting);
        h.Tick();
        h.AssertActionRequested(PumpWorker.Act.StartPump);
        Assert.Equal("StartPump", h.PendingAction);

        h.Tick(3);                                   // the action waits for the test; the worker is not evaluated meanwhile
        h.AssertState(PumpWorker.State.Starting);
        Assert.Single(h.Events, e => e.Kind == HarnessEventKind.Action);

        h.Observe(new PumpStatus(Running: true));
        long observations = h.Handle.Record.Observation.Version;
        await h.CompleteActionAsync();
        Assert.Null(h.PendingAction);
        Assert.True(h.Handle.Record.Observation.Version > observations);   // collected again when the action ended
        Assert.True(h.Handle.Record.Observation.Value.Running);
        Assert.Equal(ActionOutcome.Succeeded, h.Handle.Status.LastAction!.Outcome);

        h.Tick();
        h.AssertState(PumpWorker.State.Running);
        Assert.Equal(
            ["Transition Stopped -> Starting: desired: running", "Action StartPump in Starting: pump not running yet", "Transition Starting -> Running: pump reports running"],
            h.Events.Select(e => e.ToString()));
        Assert.Equal(h.Time.GetUtcNow(), h.Events[^1].At);
    }

    [Fact]
    public async Task AFailedActionIsRecordedAndTheStateDecidesAgain()
    {
        await using var h = Pump();
        h.Tick(2);

        await h.FailActionAsync(new InvalidOperationException("no power"));

        ActionResult last = h.Handle.Status.LastAction!;
        Assert.Equal(ActionOutcome.Failed, last.Outcome);
        Assert.Equal("no power", last.Error!.Message);
        h.Tick();
        Assert.Equal(2, h.Events.Count(e => e.Kind == HarnessEventKind.Action));
    }

    [Fact]
    public async Task RunActionsRunsTheWorkersOwnCode()
    {
        var pump = new PumpWorker();
        await using var h = new WorkerHarness<PumpConfig, PumpStatus>(pump, new PumpConfig(), new PumpStatus(false), new WorkerHarnessOptions { RunActions = true });

        h.Tick(2);
        await h.Handle.ActionCompletion;

        Assert.Equal(1, pump.Starts);
        Assert.Equal(ActionOutcome.Succeeded, h.Handle.Status.LastAction!.Outcome);
    }

    [Fact]
    public async Task ASpecUpdateAndAShutdownReachTheStates()
    {
        await using var h = Pump(run: false);
        h.Tick();
        h.AssertState("Stopped");

        h.UpdateSpec(new PumpConfig(Run: true));
        h.Tick();
        h.AssertState("Starting");

        h.RequestShutdown();
        h.Tick(2);
        h.AssertTransitioned("Starting", "Stopped");
        h.AssertSignalled(Signal.Remove);
        Assert.True(h.IsRemoved);
    }

    [Fact]
    public async Task AnUndeclaredGotoIsRecordedAsRefusedAndNotCovered()
    {
        await using var h = new WorkerHarness<int, int>(new JumpWorker(), (int)JumpWorker.State.C, 0);

        h.Tick();

        HarnessEvent refused = Assert.Single(h.Events);
        Assert.Equal("RefusedTransition A -> C: jump", refused.ToString());
        h.AssertState(JumpWorker.State.A);
        Assert.Empty(h.Coverage.Taken);
        Assert.Throws<HarnessAssertionException>(() => h.AssertTransitioned("A", "C"));
    }

    [Fact]
    public async Task ATickIsOneTickIntervalWithOneCollectionBeforeIt()
    {
        await using var byDefault = Pump();
        await using var slow = Pump(options: new WorkerHarnessOptions { Supervisor = new SupervisorOptions { TickInterval = TimeSpan.FromSeconds(1), CollectInterval = TimeSpan.FromSeconds(5) } });
        DateTimeOffset start = byDefault.Time.GetUtcNow();
        long collected = slow.Handle.Record.Observation.Version;

        byDefault.Tick();
        slow.Tick(3);

        Assert.Equal(start.AddMilliseconds(100), byDefault.Time.GetUtcNow());
        Assert.Equal(start.AddSeconds(3), slow.Time.GetUtcNow());
        Assert.Equal(collected + 3, slow.Handle.Record.Observation.Version);   // CollectInterval is the tick interval
    }

    [Fact]
    public async Task AdvanceMovesTheClockWithoutDeciding()
    {
        await using var h = Pump();
        DateTimeOffset before = h.Time.GetUtcNow();

        h.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(before.AddSeconds(30), h.Time.GetUtcNow());
        Assert.Empty(h.Events);
        Assert.Equal(0, h.Supervisor.TickCount);
    }

    [Fact]
    public async Task FailedAssertionsSayWhatWasExpectedAndWhatHappened()
    {
        await using var h = Pump();
        h.Tick();

        var state = Assert.Throws<HarnessAssertionException>(() => h.AssertState(PumpWorker.State.Running));
        var transition = Assert.Throws<HarnessAssertionException>(() => h.AssertTransitioned(PumpWorker.State.Starting, PumpWorker.State.Running));
        var action = Assert.Throws<HarnessAssertionException>(() => h.AssertActionRequested(PumpWorker.Act.StartPump));
        var signal = Assert.Throws<HarnessAssertionException>(() => h.AssertSignalled(Signal.Restart));

        Assert.Equal("Expected PumpWorker in Running, but it is in Starting. It decided: Transition Stopped -> Starting: desired: running.", state.Message);
        Assert.StartsWith("Expected a transition Starting -> Running of PumpWorker, but it never happened.", transition.Message, StringComparison.Ordinal);
        Assert.StartsWith("Expected action StartPump of PumpWorker", action.Message, StringComparison.Ordinal);
        Assert.StartsWith("Expected signal Restart of PumpWorker", signal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletingWithoutAnActionFailsInsteadOfHanging()
    {
        await using var h = Pump(run: false, new WorkerHarnessOptions { WaitTimeout = TimeSpan.FromMilliseconds(50) });
        h.Tick();

        var error = await Assert.ThrowsAsync<HarnessAssertionException>(h.CompleteActionAsync);
        Assert.Contains("No action of PumpWorker started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACoverageOfAnotherWorkerTypeIsRefusedByName()
    {
        var other = new TransitionCoverage(new WorkerDefinition("ValveWorker", ["Closed"], [LifecyclePhase.Stopped], [true], 0, [[]], [], []));

        var error = Assert.Throws<ArgumentException>(() => Pump(options: new WorkerHarnessOptions { Coverage = other }));
        Assert.Contains("WorkerHarnessOptions.Coverage counts ValveWorker, but the harness runs PumpWorker", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }
}

/// <summary>Goes from A wherever its desired state says, which the analyzers cannot judge: A -> C is refused at run time.</summary>
[Worker]
public sealed partial class JumpWorker : IWorker<int, int>
{
    public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

    [State(Initial = true)]
    [TransitionsTo(nameof(B))]
    static Next A(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown requested") : Goto((State)s.Desired, "jump");

    [State(Terminal = true)]
    [TransitionsTo(nameof(C))]
    static Next B(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("b");

    [State(Terminal = true)]
    static Next C(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("c");
}
