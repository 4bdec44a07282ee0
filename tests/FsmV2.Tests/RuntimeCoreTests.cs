using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

/// <summary>Runtime-core behaviours beyond the child lifecycle: fault attribution of collector timeouts, and totals of children that are down.</summary>
public class RuntimeCoreTests
{
    [Fact]
    public async Task A_TimeoutException_thrown_by_CollectAsync_is_a_fault_of_the_worker_but_the_collectors_own_timeout_is_not()
    {
        await using var h = new Harness();
        var thrower = new ProbeSensor(ProbeCommand.Stay);
        var hanger = new ProbeSensor(ProbeCommand.Stay);
        var throws = h.Supervisor.AddWorker("throws", new ProbeWorker(thrower), new ProbeSpec());
        var hangs = h.Supervisor.AddWorker("hangs", new ProbeWorker(hanger), new ProbeSpec());
        h.Supervisor.Tick();

        thrower.Failure = new TimeoutException("the device did not answer"); // the user's own timeout
        hanger.Hang = true;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // both collect: one throws, the other hangs
        h.Time.Advance(TimeSpan.FromSeconds(2)); // past CollectTimeout: the hanging call is recorded as timed out
        h.Supervisor.Tick();

        Assert.Equal(1, throws.Status.FaultCount);
        Assert.Equal("the device did not answer", throws.Status.LastFault?.Message);
        Assert.IsAssignableFrom<TimeoutException>(hangs.Status.CollectError);
        Assert.Equal(0, hangs.Status.FaultCount);
    }

    [Fact]
    public async Task A_child_that_cannot_be_created_counts_as_failed_and_not_running_in_the_totals()
    {
        await using var h = new Harness();
        var specs = new ChildSpecs<LineWorker>()
            .Add(CellWorker.AsChild("broken", new NodeSpec(), () => throw new InvalidOperationException("no such device")))
            .Add(CellWorker.AsChild("fine", new NodeSpec()));
        h.Supervisor.AddWorker("line", new LineWorker(), new NodeSpec(Kids: specs));
        h.Step(3);

        Assert.Equal(ChildLifecycleState.Unstartable, h.Supervisor.GetStatus("line/broken")?.Lifecycle);
        Assert.Equal(new SupervisionTotals(Supervised: 3, Running: 2, Failed: 1, Restarts: 0), h.Supervisor.GetTotals());
        Assert.Contains("broken (CellWorker) (not created) [Stopped]", h.Supervisor.PrintTree(), StringComparison.Ordinal);
    }
}
