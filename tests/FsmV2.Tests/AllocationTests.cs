using FsmV2.Tests.Workers;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests;

public class AllocationTests
{
    [Fact]
    public async Task A_tick_over_1000_idle_workers_allocates_nothing_after_warm_up()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var supervisor = new Supervisor(Harness.DefaultOptions, time, logger: null, new ActionPool(4, 100));
        var spec = new IdleSpec();
        for (int i = 0; i < 1_000; i++)
        {
            supervisor.AddWorker($"idle-{i}", new IdleWorker(), spec);
        }

        supervisor.Tick(); // warm-up: JIT, first decisions
        supervisor.Tick();
        Assert.All(supervisor.GetStatus(), s => Assert.Equal("idle", s.Reason));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            supervisor.Tick();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(102, supervisor.TickCount);
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
}
