namespace FsmV2.Tests;

/// <summary>The wall-clock time of a timestamp, read once at the end of an action or a collection (ADR 0016, amendment 4).</summary>
public sealed class WallClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // A provider whose wall clock and timestamp are set apart, as a drifting or stepped system clock's are.
    private sealed class SplitClock : TimeProvider
    {
        public DateTimeOffset Utc { get; set; } = Start;

        public long Timestamp { get; set; } = 1_000_000_000;

        public int UtcReads { get; private set; }

        public override long TimestampFrequency => 1_000_000_000; // nanoseconds, as on Linux

        public override DateTimeOffset GetUtcNow()
        {
            UtcReads++;
            return Utc;
        }

        public override long GetTimestamp() => Timestamp;

        public void Advance(TimeSpan wall, TimeSpan monotonic)
        {
            Utc += wall;
            Timestamp += monotonic.Ticks * 100;
        }
    }

    [Fact]
    public void Derived_times_follow_the_timestamp_from_an_anchor_and_the_wall_clock_is_read_again_once_the_anchor_is_old()
    {
        var clock = new SplitClock();
        var wall = new WallClock(clock, derive: true);
        Assert.Equal(Start, wall.UtcAt(clock.Timestamp)); // the first call anchors: the wall clock read
        Assert.Equal(1, clock.UtcReads);

        clock.Advance(wall: TimeSpan.FromMilliseconds(52), monotonic: TimeSpan.FromMilliseconds(50)); // the wall clock ran 4 % fast
        Assert.Equal(Start.AddMilliseconds(50), wall.UtcAt(clock.Timestamp)); // derived: no read
        Assert.Equal(1, clock.UtcReads);

        clock.Advance(wall: TimeSpan.FromMilliseconds(60), monotonic: TimeSpan.FromMilliseconds(60)); // 110 ms since the anchor
        Assert.Equal(Start.AddMilliseconds(112), wall.UtcAt(clock.Timestamp)); // anchored again: the drift is gone
        Assert.Equal(2, clock.UtcReads);

        clock.Advance(wall: TimeSpan.FromMilliseconds(10), monotonic: TimeSpan.FromMilliseconds(10));
        Assert.Equal(Start.AddMilliseconds(122), wall.UtcAt(clock.Timestamp)); // from the new anchor
    }

    [Fact]
    public void A_provider_other_than_the_system_clock_is_asked_for_its_wall_clock_every_time()
    {
        var clock = new SplitClock();
        var wall = new WallClock(clock);
        clock.Advance(wall: TimeSpan.FromHours(1), monotonic: TimeSpan.Zero); // unrelated to its timestamp
        Assert.Equal(Start.AddHours(1), wall.UtcAt(clock.Timestamp));
        Assert.Equal(Start.AddHours(1), wall.UtcAt(clock.Timestamp));
        Assert.Equal(2, clock.UtcReads);
    }

    [Fact]
    public void On_the_system_clock_a_derived_time_lies_between_two_readings_of_the_wall_clock_around_it()
    {
        var wall = new WallClock(TimeProvider.System);
        _ = wall.UtcAt(TimeProvider.System.GetTimestamp()); // anchored
        DateTimeOffset before = TimeProvider.System.GetUtcNow();
        DateTimeOffset derived = wall.UtcAt(TimeProvider.System.GetTimestamp());
        DateTimeOffset after = TimeProvider.System.GetUtcNow();

        // Bounded by the two readings, give or take the drift of the two clocks since the anchor (far under 1 ms).
        Assert.InRange(derived, before.AddMilliseconds(-1), after.AddMilliseconds(1));
    }
}
