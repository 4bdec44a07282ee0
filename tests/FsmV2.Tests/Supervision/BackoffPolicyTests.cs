namespace FsmV2.Tests.Supervision;

public sealed class BackoffPolicyTests
{
    private static BackoffPolicy Policy(Action<BackoffOptions> configure)
    {
        var options = new BackoffOptions();
        configure(options);
        return new BackoffPolicy(options);
    }

    [Fact]
    public void Defaults_are_exponential_from_one_second_doubling_capped_at_sixty_with_full_jitter()
    {
        var options = new BackoffOptions();
        Assert.Equal(BackoffKind.Exponential, options.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), options.InitialDelay);
        Assert.Equal(2.0, options.Multiplier);
        Assert.Equal(TimeSpan.FromSeconds(60), options.MaxDelay);
        Assert.Equal(JitterMode.Full, options.Jitter);

        var policy = new BackoffPolicy();
        double[] envelope = [.. Enumerable.Range(1, 8).Select(n => policy.Envelope(n).TotalSeconds)];
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], envelope);
    }

    [Fact]
    public void Exponential_without_jitter_is_the_envelope_and_never_overflows()
    {
        BackoffPolicy policy = Policy(o => o.Jitter = JitterMode.None);
        var state = new BackoffState();
        double[] delays = [.. Enumerable.Range(1, 7).Select(n => policy.NextDelay(n, ref state, 0.9).TotalSeconds)];
        Assert.Equal([1, 2, 4, 8, 16, 32, 60], delays);
        Assert.Equal(TimeSpan.FromSeconds(60), policy.NextDelay(int.MaxValue, ref state, 0.0));
    }

    [Fact]
    public void Linear_adds_the_step_and_caps()
    {
        BackoffPolicy policy = Policy(o =>
        {
            o.Kind = BackoffKind.Linear;
            o.InitialDelay = TimeSpan.FromSeconds(2);
            o.Step = TimeSpan.FromSeconds(3);
            o.MaxDelay = TimeSpan.FromSeconds(10);
            o.Jitter = JitterMode.None;
        });
        var state = new BackoffState();
        double[] delays = [.. Enumerable.Range(1, 5).Select(n => policy.NextDelay(n, ref state, 0.0).TotalSeconds)];
        Assert.Equal([2, 5, 8, 10, 10], delays);
    }

    [Fact]
    public void Immediate_is_always_zero()
    {
        BackoffPolicy policy = Policy(o => o.Kind = BackoffKind.Immediate);
        var state = new BackoffState();
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(1, ref state, 0.7));
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(50, ref state, 0.7));
    }

    [Fact]
    public void Full_jitter_scales_the_envelope_by_the_sample()
    {
        var policy = new BackoffPolicy();
        var state = new BackoffState();
        Assert.Equal(TimeSpan.FromSeconds(0.5), policy.NextDelay(1, ref state, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.NextDelay(4, ref state, 0.5));
        Assert.Equal(TimeSpan.Zero, policy.NextDelay(4, ref state, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.NextDelay(10, ref state, 0.5));
    }

    [Fact]
    public void Full_jitter_with_a_seeded_random_is_reproducible_and_inside_the_envelope()
    {
        var policy = new BackoffPolicy();
        var random = new Random(1234);
        var expectedDraws = new Random(1234);
        var state = new BackoffState();
        for (int attempt = 1; attempt <= 200; attempt++)
        {
            TimeSpan delay = policy.NextDelay(attempt, ref state, random);
            double expectedTicks = policy.Envelope(attempt).Ticks * expectedDraws.NextDouble();
            Assert.Equal((long)Math.Round(expectedTicks), delay.Ticks);
            Assert.InRange(delay, TimeSpan.Zero, policy.Envelope(attempt));
        }
    }

    [Fact]
    public void Decorrelated_jitter_never_goes_below_the_initial_delay_and_grows_from_the_previous_delay()
    {
        BackoffPolicy policy = Policy(o => o.Jitter = JitterMode.Decorrelated);

        // The largest draw each time: 1, 3, 9, 27, then capped at 60.
        var state = new BackoffState();
        double[] top = [.. Enumerable.Range(1, 6).Select(n => policy.NextDelay(n, ref state, 1.0).TotalSeconds)];
        Assert.Equal([3, 9, 27, 60, 60, 60], top);

        // The smallest draw is always the initial delay.
        state.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), policy.NextDelay(1, ref state, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.NextDelay(2, ref state, 0.0));

        var random = new Random(99);
        state.Reset();
        TimeSpan previous = TimeSpan.FromSeconds(1);
        for (int attempt = 1; attempt <= 100; attempt++)
        {
            TimeSpan delay = policy.NextDelay(attempt, ref state, random);
            TimeSpan upper = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(60).Ticks, previous.Ticks * 3));
            Assert.InRange(delay, TimeSpan.FromSeconds(1), upper);
            Assert.Equal(delay, state.PreviousDelay);
            previous = delay;
        }
    }

    [Fact]
    public void Attempt_below_one_and_samples_outside_the_unit_interval_are_rejected()
    {
        var policy = new BackoffPolicy();
        var state = new BackoffState();
        Assert.Throws<ArgumentOutOfRangeException>("attempt", () => policy.NextDelay(0, ref state, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>("sample", () => policy.NextDelay(1, ref state, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>("sample", () => policy.NextDelay(1, ref state, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("attempt", () => policy.Envelope(0));
    }

    [Fact]
    public void The_policy_keeps_a_copy_of_its_options()
    {
        var options = new BackoffOptions { Jitter = JitterMode.None };
        var policy = new BackoffPolicy(options);
        options.InitialDelay = TimeSpan.FromSeconds(30);
        var state = new BackoffState();
        Assert.Equal(TimeSpan.FromSeconds(1), policy.NextDelay(1, ref state, 0.0));
    }
}
