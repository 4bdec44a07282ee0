using Microsoft.Extensions.Time.Testing;
using static FsmV2.TestKit.TestClock;
using static FsmV2.Tests.Supervision.SupervisionTestKit;

namespace FsmV2.Tests.Supervision;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = Clock();

    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private CircuitBreaker Breaker(CircuitBreakerOptions? options = null, Random? random = null) =>
        new("redpanda", options ?? Options(), _time, random ?? new FixedRandom(0.5));

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void A_new_breaker_is_closed_and_allows_work()
    {
        CircuitBreaker breaker = Breaker();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.AllowsWork(Now));
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal(0, stats.FailureCount);
        Assert.Equal(0, stats.Attempt);
        Assert.Null(stats.OpenedAt);
        Assert.Null(stats.NextProbeAt);
    }

    [Fact]
    public void Opens_on_failure_and_stays_open_until_the_backoff_delay_has_passed()
    {
        CircuitBreaker breaker = Breaker();
        DateTimeOffset opened = Now;
        breaker.RecordFailure("redpanda unreachable");

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.AllowsWork(Now));
        _time.Advance(TimeSpan.FromSeconds(1) - Tick);
        Assert.False(breaker.AllowsWork(Now));
        Assert.Equal(CircuitState.Open, breaker.State);

        _time.Advance(Tick);
        Assert.True(breaker.AllowsWork(Now));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(opened, breaker.Statistics.OpenedAt);
    }

    [Fact]
    public void Needs_the_configured_number_of_consecutive_failures_and_a_success_resets_the_count()
    {
        CircuitBreaker breaker = Breaker(Options(threshold: 3));
        breaker.RecordFailure("a");
        breaker.RecordFailure("b");
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.Statistics.ConsecutiveFailures);

        breaker.RecordSuccess();
        Assert.Equal(0, breaker.Statistics.ConsecutiveFailures);
        breaker.RecordFailure("c");
        breaker.RecordFailure("d");
        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.RecordFailure("e");
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(5, breaker.Statistics.FailureCount);
        Assert.Equal("e", breaker.Statistics.LastFailureReason);
    }

    [Fact]
    public void Exactly_one_probe_is_let_through_in_half_open()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        _time.Advance(TimeSpan.FromSeconds(5));

        int allowed = 0;
        for (int i = 0; i < 100; i++)
        {
            if (breaker.AllowsWork(Now))
            {
                allowed++;
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(1, allowed);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Null(breaker.Statistics.NextProbeAt);
    }

    [Fact]
    public void Probe_success_closes_the_circuit_and_resets_the_backoff()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.AllowsWork(Now));
        breaker.RecordFailure("still down");
        Assert.Equal(2, breaker.Statistics.Attempt);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(breaker.AllowsWork(Now));

        breaker.RecordSuccess();

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal(CircuitState.Closed, stats.State);
        Assert.Equal(0, stats.Attempt);
        Assert.Equal(0, stats.ConsecutiveFailures);
        Assert.Null(stats.OpenedAt);
        Assert.True(breaker.AllowsWork(Now));

        // A new outage starts again from the first delay (1 s), not the third (4 s).
        DateTimeOffset reopened = Now;
        breaker.RecordFailure("down again");
        Assert.Equal(1, breaker.Statistics.Attempt);
        Assert.Equal(reopened + TimeSpan.FromSeconds(1), breaker.Statistics.NextProbeAt);
        Assert.Equal(2, breaker.Statistics.TotalTrips);
    }

    [Fact]
    public void Probe_failure_reopens_with_the_next_longer_delay()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        var delays = new List<double>();
        for (int attempt = 1; attempt <= 6; attempt++)
        {
            CircuitBreakerStatistics stats = breaker.Statistics;
            Assert.Equal(attempt, stats.Attempt);
            delays.Add(stats.CurrentDelay.TotalSeconds);
            _time.Advance(stats.NextProbeAt!.Value - Now);
            Assert.True(breaker.AllowsWork(Now));
            breaker.RecordFailure("probe failed");
        }

        Assert.Equal([1, 2, 4, 8, 16, 32], delays);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(1, breaker.Statistics.TotalTrips);
    }

    [Fact]
    public void Restarts_happen_at_exactly_the_backoff_times_with_a_fixed_jitter_draw()
    {
        // Full jitter, every draw 0.5: delays 0.5, 1, 2, 4 s. A 100 ms tick drives the breaker the way the
        // supervisor will: each tick asks AllowsWork, and a let-through probe restarts the child, which fails again.
        CircuitBreaker breaker = Breaker(Options(jitter: JitterMode.Full), new FixedRandom(0.5));
        breaker.RecordFailure("child failed");
        var restarts = new List<TimeSpan>();
        for (int tick = 1; tick <= 80; tick++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            if (breaker.AllowsWork(Now))
            {
                restarts.Add(Now - Start);
                breaker.RecordFailure("restart failed");
            }
        }

        Assert.Equal([0.5, 1.5, 3.5, 7.5], restarts.Select(t => t.TotalSeconds));
    }

    [Fact]
    public void Probe_times_follow_a_seeded_random_exactly()
    {
        var draws = new Random(2026);
        var envelope = new BackoffPolicy();
        CircuitBreaker breaker = Breaker(Options(jitter: JitterMode.Full), new Random(2026));
        breaker.RecordFailure("down");
        for (int attempt = 1; attempt <= 8; attempt++)
        {
            var expected = TimeSpan.FromTicks((long)Math.Round(envelope.Envelope(attempt).Ticks * draws.NextDouble()));
            DateTimeOffset due = Now + expected;
            Assert.Equal(due, breaker.Statistics.NextProbeAt);
            _time.Advance(expected - Tick);
            Assert.False(breaker.AllowsWork(Now));
            _time.Advance(Tick);
            Assert.True(breaker.AllowsWork(Now));
            breaker.RecordFailure("probe failed");
        }
    }

    [Fact]
    public void Isolate_holds_the_circuit_open_without_probes_until_an_operator_closes_it()
    {
        CircuitBreaker breaker = Breaker();
        breaker.Isolate();

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.True(breaker.Statistics.IsIsolated);
        Assert.Equal(1, breaker.Statistics.TotalTrips);
        for (int i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            Assert.False(breaker.AllowsWork(Now));
        }

        breaker.RecordFailure("still broken");
        Assert.False(breaker.AllowsWork(Now));
        Assert.Null(breaker.Statistics.NextProbeAt);

        breaker.Close();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.False(breaker.Statistics.IsIsolated);
        Assert.True(breaker.AllowsWork(Now));
        Assert.Equal(1, breaker.Statistics.FailureCount);
    }

    [Fact]
    public void Isolating_during_a_probe_ignores_the_probe_result()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.AllowsWork(Now));

        breaker.Isolate();
        breaker.RecordSuccess();

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.True(breaker.Statistics.IsIsolated);
        Assert.Equal(1, breaker.Statistics.TotalTrips);
    }

    [Fact]
    public void Operator_close_ends_an_outage_and_resets_the_backoff()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        _time.Advance(TimeSpan.FromSeconds(1));
        breaker.AllowsWork(Now);
        breaker.RecordFailure("down");

        breaker.Close();
        Assert.True(breaker.AllowsWork(Now));

        breaker.RecordFailure("down again");
        Assert.Equal(1, breaker.Statistics.Attempt);
        Assert.Equal(TimeSpan.FromSeconds(1), breaker.Statistics.CurrentDelay);
    }

    [Fact]
    public void A_late_success_while_open_does_not_close_the_circuit()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        breaker.RecordSuccess();
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.AllowsWork(Now));
    }

    [Fact]
    public void Trip_opens_a_closed_circuit_whatever_the_threshold()
    {
        CircuitBreaker breaker = Breaker(Options(threshold: 10));
        breaker.Trip("3 faults in 5 minutes");
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal(CircuitState.Open, stats.State);
        Assert.Equal(1, stats.Attempt);
        Assert.Equal(Now + TimeSpan.FromSeconds(1), stats.NextProbeAt);

        breaker.Trip("again");
        Assert.Equal(1, breaker.Statistics.Attempt);
    }

    [Fact]
    public void Trip_records_its_reason_and_time_as_the_last_failure_without_counting_a_failure()
    {
        CircuitBreaker breaker = Breaker(Options(threshold: 3));
        breaker.RecordFailure(new InvalidOperationException("boom"));
        _time.Advance(TimeSpan.FromSeconds(2));
        DateTimeOffset trippedAt = Now;

        breaker.Trip("state A threw 3 times within 300 s");

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal(CircuitState.Open, stats.State);
        Assert.Equal("state A threw 3 times within 300 s", stats.LastFailureReason);
        Assert.Equal(trippedAt, stats.LastFailureAt);
        Assert.Null(stats.LastException); // it belonged to the earlier failure, not to the trip
        Assert.Equal(1, stats.FailureCount); // the failure reported before; the trip is a verdict, not another failure
        Assert.Equal(1, stats.ConsecutiveFailures);
        Assert.Equal("state A threw 3 times within 300 s", OperatorMessages.Heartbeat("p", ErrorScope.Worker, stats, Now).LastFailureReason);

        _time.Advance(TimeSpan.FromSeconds(1));
        breaker.Trip("ignored while open");
        Assert.Equal(("state A threw 3 times within 300 s", trippedAt), (breaker.Statistics.LastFailureReason, breaker.Statistics.LastFailureAt));
    }

    [Fact]
    public void Tripping_a_half_open_circuit_fails_the_probe_and_names_the_trip_as_the_last_failure()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.AllowsWork(Now));

        breaker.Trip("restart intensity of its children exceeded");

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Open, 2, 1L), (stats.State, stats.Attempt, stats.FailureCount));
        Assert.Equal("restart intensity of its children exceeded", stats.LastFailureReason);
        Assert.Equal(Now, stats.LastFailureAt);
    }

    [Fact]
    public void Statistics_count_the_refusals_of_the_tick_api_but_not_its_successes()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordSuccess();
        breaker.RecordFailure("down");
        Assert.False(breaker.AllowsWork(Now));
        Assert.False(breaker.AllowsWork(Now));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(breaker.AllowsWork(Now)); // the probe is not a refusal
        Assert.False(breaker.AllowsWork(Now)); // half-open, probe out
        breaker.RecordSuccess();

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Closed, 0L, 1L, 3L), (stats.State, stats.SuccessCount, stats.FailureCount, stats.RefusedCount));
    }

    [Fact]
    public void Statistics_record_failures_trips_and_timings()
    {
        CircuitBreaker breaker = Breaker();
        _time.Advance(TimeSpan.FromSeconds(3));
        DateTimeOffset failedAt = Now;
        var boom = new InvalidOperationException("boom");
        breaker.RecordFailure(boom);

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal(CircuitState.Open, stats.State);
        Assert.Equal(1, stats.FailureCount);
        Assert.Equal(1, stats.ConsecutiveFailures);
        Assert.Equal(failedAt, stats.LastFailureAt);
        Assert.Equal("boom", stats.LastFailureReason);
        Assert.Same(boom, stats.LastException);
        Assert.Equal(1, stats.TotalTrips);
        Assert.Equal(failedAt, stats.OpenedAt);
        Assert.Equal(failedAt + TimeSpan.FromSeconds(1), stats.NextProbeAt);
        Assert.Equal(5, stats.MaxAttempts);

        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.Equal(TimeSpan.FromMilliseconds(400), stats.Downtime(Now));
        Assert.Equal(TimeSpan.FromMilliseconds(600), stats.NextProbeIn(Now));
    }

    [Fact]
    public void Escalation_is_required_at_max_attempts_and_probing_continues_at_the_cap()
    {
        CircuitBreaker breaker = Breaker();
        breaker.RecordFailure("down");
        var preEscalationAt = new List<int>();
        for (int attempt = 1; attempt < 5; attempt++)
        {
            if (breaker.Statistics.IsPreEscalation)
            {
                preEscalationAt.Add(breaker.Statistics.Attempt);
            }

            Assert.False(breaker.Statistics.EscalationRequired);
            _time.Advance(breaker.Statistics.CurrentDelay);
            Assert.True(breaker.AllowsWork(Now));
            breaker.RecordFailure("down");
        }

        Assert.Equal([4], preEscalationAt);
        Assert.True(breaker.Statistics.EscalationRequired);
        Assert.Equal(5, breaker.Statistics.Attempt);

        for (int i = 0; i < 5; i++)
        {
            _time.Advance(breaker.Statistics.CurrentDelay);
            Assert.True(breaker.AllowsWork(Now));
            breaker.RecordFailure("down");
        }

        Assert.Equal(TimeSpan.FromSeconds(60), breaker.Statistics.CurrentDelay);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(breaker.AllowsWork(Now));
        breaker.RecordSuccess();
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Stuck_open_after_five_minutes()
    {
        CircuitBreaker breaker = Breaker();
        Assert.False(breaker.IsStuckOpen(Now));
        breaker.RecordFailure("down");
        _time.Advance(TimeSpan.FromMinutes(5) - Tick);
        Assert.False(breaker.IsStuckOpen(Now));
        _time.Advance(Tick);
        Assert.True(breaker.IsStuckOpen(Now));
    }

    [Fact]
    public void State_changes_are_reported_once_per_transition_with_reasons()
    {
        CircuitBreaker breaker = Breaker();
        var changes = new List<CircuitStateChange>();
        breaker.StateChanged += (sender, change) =>
        {
            Assert.Same(breaker, sender);
            changes.Add(change);
        };

        breaker.AllowsWork(Now);
        breaker.RecordSuccess();
        breaker.RecordFailure("redpanda unreachable");
        breaker.RecordFailure("counted only");
        _time.Advance(TimeSpan.FromSeconds(1));
        breaker.AllowsWork(Now);
        breaker.AllowsWork(Now);
        breaker.RecordSuccess();
        breaker.Isolate();
        breaker.Close();

        Assert.Equal(
            [
                (CircuitState.Closed, CircuitState.Open, 1),
                (CircuitState.Open, CircuitState.HalfOpen, 1),
                (CircuitState.HalfOpen, CircuitState.Closed, 1),
                (CircuitState.Closed, CircuitState.Open, 0),
                (CircuitState.Open, CircuitState.Closed, 0),
            ],
            changes.Select(c => (c.From, c.To, c.Attempt)));
        Assert.Equal("redpanda unreachable", changes[0].Reason);
        Assert.Equal(Start + TimeSpan.FromSeconds(1), changes[0].NextProbeAt);
        Assert.Equal("probe succeeded", changes[2].Reason);
        Assert.Equal("isolated by operator", changes[3].Reason);
        Assert.Equal("closed by operator", changes[4].Reason);
    }
}
