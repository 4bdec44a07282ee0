using FsmV2.Tests.Workers;

namespace FsmV2.Testing.Tests;

/// <summary>The generated <c>Test.Decide</c> and <see cref="Snapshots"/>: one state evaluated without a supervisor, typed.</summary>
public class DecideTests
{
    private static readonly SnapshotBuilder<PumpConfig, PumpStatus> Base = Snapshots.Of(new PumpConfig(Run: true), new PumpStatus(Running: false));

    [Fact]
    public void StartingGoesToRunningOnceThePumpRuns()
    {
        PumpWorker.Test.Decision next = PumpWorker.Test.Decide(PumpWorker.State.Starting, Base.WithObserved(new PumpStatus(Running: true)));

        Assert.Equal(NextKind.Goto, next.Kind);
        Assert.Equal(PumpWorker.State.Running, next.Target);
        Assert.Null(next.Action);
        Assert.Equal("pump reports running", next.Reason);
        Assert.Equal("Goto Running: pump reports running", next.ToString());
    }

    [Fact]
    public void StartingStartsThePumpWhileItDoesNotRun()
    {
        PumpWorker.Test.Decision next = PumpWorker.Test.Decide(PumpWorker.State.Starting, Base);

        Assert.Equal(PumpWorker.Act.StartPump, next.Action);
        Assert.Null(next.Target);
        Assert.Equal("Do StartPump: pump not running yet", next.ToString());
    }

    [Fact]
    public void StoppedStaysOrLeavesOnShutdown()
    {
        PumpWorker.Test.Decision stay = PumpWorker.Test.Decide(PumpWorker.State.Stopped, Base.WithDesired(new PumpConfig(Run: false)));
        PumpWorker.Test.Decision remove = PumpWorker.Test.Decide(PumpWorker.State.Stopped, Base.WithShutdownRequested());

        Assert.True(stay.IsStay);
        Assert.Equal("Stay: desired: stopped", stay.ToString());
        Assert.Equal(Signal.Remove, remove.Signal);
        Assert.Equal("Remove: shutdown requested", remove.ToString());
        Assert.Equal(Next.SignalSupervisor(Signal.Remove, "shutdown requested"), remove.Next);
    }

    [Fact]
    public void AnUndefinedStateIsRefusedByName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PumpWorker.Test.Decide((PumpWorker.State)7, Base));
        Assert.Contains("PumpWorker has no callable state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBuilderHasFreshSensibleDefaults()
    {
        Snapshot<PumpConfig, PumpStatus> s = Base;

        Assert.Equal(new WorkerIdentity("test", "Worker"), s.Identity);
        Assert.Equal(DateTimeOffset.UnixEpoch, s.Now);
        Assert.Equal(TimeSpan.Zero, s.ObservationAge);
        Assert.False(s.ShutdownRequested);
        Assert.False(s.StopRequested);
        Assert.Null(s.CollectError);
        Assert.Empty(s.RecentActions);
        Assert.Equal(default, s.Children);
    }

    [Fact]
    public void EachWithChangesOneThingOnACopy()
    {
        var error = new TimeoutException("sensor");
        DateTimeOffset at = DateTimeOffset.UnixEpoch.AddHours(1);
        Snapshot<PumpConfig, PumpStatus> s = Base
            .At(at)
            .WithObservationAge(TimeSpan.FromSeconds(3))
            .WithStopRequested()
            .WithCollectError(error)
            .WithLastAction("StartPump", ActionOutcome.Failed)
            .WithChildren(new ChildrenView(Total: 2, Healthy: 1, Unhealthy: 1, Stopped: 0, Wanted: 2))
            .WithIdentity("pump-1", "PumpWorker")
            .Build();

        Assert.Equal(at, s.Now);
        Assert.Equal(at.AddSeconds(-3), s.CollectedAt);
        Assert.True(s.StopRequested);
        Assert.Same(error, s.CollectError);
        Assert.Equal(ActionOutcome.Failed, s.LastAction!.Outcome);
        Assert.Equal(at, s.LastAction.CompletedAt);
        Assert.Equal(1, s.Children.Unhealthy);
        Assert.Equal("pump-1", s.Identity.Id);
        Assert.False(((Snapshot<PumpConfig, PumpStatus>)Base).StopRequested);   // the base builder is unchanged
        Assert.Throws<ArgumentOutOfRangeException>(() => Base.WithObservationAge(TimeSpan.FromSeconds(-1)));
    }
}
