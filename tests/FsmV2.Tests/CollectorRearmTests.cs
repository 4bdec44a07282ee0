using FsmV2.TestKit;
using FsmV2.Tests.Workers;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests;

/// <summary>
/// Issue 13 item 5: a collector re-armed before its entry is due (a collection after every action) moves its due time
/// and queues nothing more: the scheduler holds at most one collection entry per collector, and each collection still
/// falls due one interval after the last arming, no earlier and no later.
/// </summary>
public sealed class CollectorRearmTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private sealed class Probe(FakeTimeProvider time) : IScheduledCollector
    {
        private long _due = long.MaxValue;
        private byte _queued;

        public List<TimeSpan> Collected { get; } = [];

        public ref long Due => ref _due;

        public ref byte Queued => ref _queued;

        public void CollectDue() => Collected.Add(time.GetUtcNow() - TestClock.Start);

        public void OnTimeoutDue(int generation)
        {
        }
    }

    private static (FakeTimeProvider Time, CollectorScheduler Scheduler) Scheduler()
    {
        FakeTimeProvider time = TestClock.Clock();
        return (time, new CollectorScheduler(time, new SupervisorOptions { CollectInterval = Interval, CollectTimeout = TimeSpan.FromSeconds(2) }));
    }

    [Fact]
    public void A_collector_re_armed_a_thousand_times_keeps_one_entry_and_is_collected_one_interval_after_the_last_arming()
    {
        (FakeTimeProvider time, CollectorScheduler scheduler) = Scheduler();
        using var _ = scheduler;
        var probe = new Probe(time);
        scheduler.ArmCollect(probe);
        time.Advance(TimeSpan.FromMilliseconds(400));
        for (int i = 0; i < 1_000; i++)
        {
            scheduler.ArmCollect(probe); // as a collection after each of a thousand actions does
        }

        Assert.Equal(1, scheduler.Pending);
        time.Advance(TimeSpan.FromMilliseconds(600)); // the first arming's time: not due any more
        Assert.Empty(probe.Collected);
        Assert.Equal(1, scheduler.Pending); // back in, for the later time

        time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.Empty(probe.Collected);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([TimeSpan.FromMilliseconds(1_400)], probe.Collected);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void Collectors_re_armed_out_of_order_are_each_collected_at_their_own_due_time()
    {
        (FakeTimeProvider time, CollectorScheduler scheduler) = Scheduler();
        using var _ = scheduler;
        Probe first = new(time), second = new(time), third = new(time);
        scheduler.ArmCollect(first); // due 1.0
        time.Advance(TimeSpan.FromMilliseconds(100));
        scheduler.ArmCollect(second); // due 1.1
        time.Advance(TimeSpan.FromMilliseconds(100));
        scheduler.ArmCollect(first); // moved to 1.2
        time.Advance(TimeSpan.FromMilliseconds(100));
        scheduler.ArmCollect(third); // due 1.3
        time.Advance(TimeSpan.FromMilliseconds(200));
        scheduler.ArmCollect(second); // moved to 1.5

        for (int step = 0; step < 200; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10)); // a fake clock's timer sees the time it was advanced to
        }

        Assert.Equal([TimeSpan.FromMilliseconds(1_200)], first.Collected);
        Assert.Equal([TimeSpan.FromMilliseconds(1_500)], second.Collected);
        Assert.Equal([TimeSpan.FromMilliseconds(1_300)], third.Collected);
    }

    [Fact]
    public void A_disarmed_collector_is_not_collected_and_its_entry_is_dropped_when_it_comes_up()
    {
        (FakeTimeProvider time, CollectorScheduler scheduler) = Scheduler();
        using var _ = scheduler;
        var probe = new Probe(time);
        scheduler.ArmCollect(probe);
        time.Advance(TimeSpan.FromMilliseconds(500));
        CollectorScheduler.DisarmCollect(probe);
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Empty(probe.Collected);
        Assert.Equal(0, scheduler.Pending);

        scheduler.ArmCollect(probe); // armed again: queued again
        time.Advance(Interval);
        Assert.Equal([TimeSpan.FromMilliseconds(4_500)], probe.Collected);
    }

    [Fact]
    public async Task Workers_collected_after_every_action_keep_at_most_one_collection_entry_each()
    {
        FakeTimeProvider time = TestClock.Clock();
        var count = new ActionCount();
        var supervisor = new Supervisor(Harness.DefaultOptions, time, logger: null, new ActionPool(8, 1_000));
        const int Workers = 50;
        for (int i = 0; i < Workers; i++)
        {
            supervisor.AddWorker($"a-{i}", new NoOpActionWorker(count), new CountSpec());
        }

        try
        {
            for (long ticks = 0; count.Count < 20_000; ticks++)
            {
                Assert.True(ticks < 50_000_000, $"only {count.Count} actions ran");
                supervisor.Tick(); // no clock involved: the actions run on the pool, their collections inline
            }

            Assert.InRange(supervisor.PendingCollections, 1, Workers); // before: one more entry per action (20,000 and more)
        }
        finally
        {
            await time.AdvanceUntilAsync(supervisor.ShutdownAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }
}
