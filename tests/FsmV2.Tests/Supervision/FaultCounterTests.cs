using static FsmV2.TestKit.TestClock;

namespace FsmV2.Tests.Supervision;

public sealed class FaultCounterTests
{
    [Fact]
    public void Three_faults_within_five_minutes_reach_the_threshold()
    {
        var counter = new FaultCounter();
        Assert.False(counter.Record(Start));
        Assert.False(counter.Record(Start + TimeSpan.FromMinutes(2)));
        Assert.True(counter.Record(Start + TimeSpan.FromMinutes(4)));
        Assert.Equal(3, counter.CountWithin(Start + TimeSpan.FromMinutes(4)));
    }

    [Fact]
    public void Faults_spread_wider_than_the_window_do_not()
    {
        var counter = new FaultCounter();
        Assert.False(counter.Record(Start));
        Assert.False(counter.Record(Start + TimeSpan.FromMinutes(3)));

        // Exactly five minutes after the first: the first has left the window.
        Assert.False(counter.Record(Start + TimeSpan.FromMinutes(5)));
        Assert.Equal(2, counter.CountWithin(Start + TimeSpan.FromMinutes(5)));

        // One more inside the window of the last two.
        Assert.True(counter.Record(Start + TimeSpan.FromMinutes(6)));
    }

    [Fact]
    public void The_ring_keeps_sliding_over_many_faults()
    {
        var counter = new FaultCounter(threshold: 3, window: TimeSpan.FromSeconds(10));
        var results = new List<bool>();
        foreach (int second in new[] { 0, 20, 40, 41, 42, 60, 65, 80, 81, 89 })
        {
            results.Add(counter.Record(Start + TimeSpan.FromSeconds(second)));
        }

        Assert.Equal([false, false, false, false, true, false, false, false, false, true], results);
    }

    [Fact]
    public void Reset_forgets_every_fault()
    {
        var counter = new FaultCounter();
        counter.Record(Start);
        counter.Record(Start);
        counter.Reset();
        Assert.Equal(0, counter.CountWithin(Start));
        Assert.False(counter.Record(Start));
    }

    [Fact]
    public void A_threshold_of_one_fires_on_every_fault()
    {
        var counter = new FaultCounter(1, TimeSpan.FromSeconds(1));
        Assert.True(counter.Record(Start));
        Assert.True(counter.Record(Start + TimeSpan.FromHours(1)));
    }
}
