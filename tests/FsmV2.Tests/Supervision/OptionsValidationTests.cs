using FsmV2.Tests.Workers;

namespace FsmV2.Tests.Supervision;

public sealed class OptionsValidationTests
{
    public static TheoryData<string, Action<BackoffOptions>> BadBackoff => new()
    {
        { "InitialDelay", o => o.InitialDelay = TimeSpan.FromSeconds(-1) },
        { "InitialDelay", o => o.InitialDelay = TimeSpan.Zero },
        { "Step", o => o.Step = TimeSpan.FromMilliseconds(-1) },
        { "MaxDelay", o => o.MaxDelay = TimeSpan.FromSeconds(-5) },
        { "MaxDelay", o => { o.InitialDelay = TimeSpan.FromSeconds(10); o.MaxDelay = TimeSpan.FromSeconds(5); } },
        { "Multiplier", o => o.Multiplier = 0.5 },
        { "Multiplier", o => o.Multiplier = double.NaN },
        { "Multiplier", o => o.Multiplier = double.PositiveInfinity },
        { "Kind", o => o.Kind = (BackoffKind)42 },
        { "Jitter", o => o.Jitter = (JitterMode)42 },
    };

    [Theory]
    [MemberData(nameof(BadBackoff))]
    public void Backoff_options_out_of_range_are_rejected_naming_the_option(string option, Action<BackoffOptions> breakIt)
    {
        var options = new BackoffOptions();
        breakIt(options);
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new BackoffPolicy(options));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains("BackoffOptions." + option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Immediate_backoff_accepts_a_zero_initial_delay()
    {
        var policy = new BackoffPolicy(new BackoffOptions { Kind = BackoffKind.Immediate, InitialDelay = TimeSpan.Zero });
        Assert.Equal(BackoffKind.Immediate, policy.Options.Kind);
    }

    public static TheoryData<string, Action<CircuitBreakerOptions>> BadBreaker => new()
    {
        { "FailureThreshold", o => o.FailureThreshold = 0 },
        { "MaxAttempts", o => o.MaxAttempts = 0 },
        { "StuckOpenAfter", o => o.StuckOpenAfter = TimeSpan.Zero },
        { "StuckOpenAfter", o => o.StuckOpenAfter = Timeout.InfiniteTimeSpan },
        { "MaxDelay", o => o.Backoff.MaxDelay = TimeSpan.FromMilliseconds(10) },
    };

    [Theory]
    [MemberData(nameof(BadBreaker))]
    public void Breaker_options_out_of_range_are_rejected_naming_the_option(string option, Action<CircuitBreakerOptions> breakIt)
    {
        var options = new CircuitBreakerOptions();
        breakIt(options);
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreaker("x", options));
        Assert.Equal(option, ex.ParamName);
    }

    [Fact]
    public void Breaker_without_backoff_options_is_rejected()
    {
        var options = new CircuitBreakerOptions { Backoff = null! };
        ArgumentNullException ex = Assert.Throws<ArgumentNullException>(() => new CircuitBreaker("x", options));
        Assert.Equal("Backoff", ex.ParamName);
    }

    [Fact]
    public void Intensity_child_fault_and_heartbeat_options_are_rejected_naming_the_option()
    {
        Assert.Equal("MaxRestarts", Assert.Throws<ArgumentOutOfRangeException>(() => new RestartIntensityTracker(new RestartIntensityOptions { MaxRestarts = -1 })).ParamName);
        Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => new RestartIntensityTracker(new RestartIntensityOptions { Window = TimeSpan.Zero })).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultCounter(0, TimeSpan.FromMinutes(5))).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultCounter(3, TimeSpan.Zero)).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatLimiter(TimeSpan.FromSeconds(-10))).ParamName);
        Assert.Equal("strategy", Assert.Throws<ArgumentOutOfRangeException>(() => new RestartPlanner((RestartStrategy)7)).ParamName);
    }

    [Fact]
    public void Child_supervision_settings_are_rejected_naming_the_child_and_the_setting()
    {
        var spec = CellWorker.AsChild("cell-7", new NodeSpec());
        var startup = Assert.Throws<ArgumentOutOfRangeException>(() => spec.WithStartupTimeout(TimeSpan.FromSeconds(-1)));
        Assert.Equal("StartupTimeout", startup.ParamName);
        Assert.Contains("Child 'cell-7'.StartupTimeout must be a positive, finite duration", startup.Message);
        Assert.Equal("ShutdownTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => spec.WithShutdownTimeout(Timeout.InfiniteTimeSpan)).ParamName);
        Assert.Equal("Policy", Assert.Throws<ArgumentOutOfRangeException>(() => spec.WithPolicy((RestartPolicy)9)).ParamName);
    }

    [Fact]
    public void Child_supervision_settings_chain_in_any_order_and_leave_the_original_unchanged()
    {
        var plain = CellWorker.AsChild("c", new NodeSpec());
        var tuned = plain.WithPolicy(RestartPolicy.Transient).WithStartupTimeout(TimeSpan.FromSeconds(2)).WithShutdownTimeout(TimeSpan.FromSeconds(3));
        var reordered = plain.WithShutdownTimeout(TimeSpan.FromSeconds(3)).WithStartupTimeout(TimeSpan.FromSeconds(2)).WithPolicy(RestartPolicy.Transient);

        foreach (var spec in new[] { tuned, reordered })
        {
            Assert.Equal(RestartPolicy.Transient, spec.Policy);
            Assert.Equal(TimeSpan.FromSeconds(2), spec.StartupTimeout);
            Assert.Equal(TimeSpan.FromSeconds(3), spec.ShutdownTimeout);
            Assert.Equal("c", spec.Name);
        }

        Assert.Equal(RestartPolicy.Permanent, plain.Policy);
        Assert.Null(plain.StartupTimeout);
    }

    [Fact]
    public void Defaults_come_from_the_design()
    {
        var breaker = new CircuitBreakerOptions();
        Assert.Equal(1, breaker.FailureThreshold);
        Assert.Equal(5, breaker.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(5), breaker.StuckOpenAfter);

        var intensity = new RestartIntensityOptions();
        Assert.Equal(3, intensity.MaxRestarts);
        Assert.Equal(TimeSpan.FromSeconds(60), intensity.Window);

        var child = CellWorker.AsChild("c", new NodeSpec());
        Assert.Equal(RestartPolicy.Permanent, child.Policy);
        Assert.Null(child.StartupTimeout); // no limit: a child may legitimately wait in a stopped state
        Assert.Null(child.ShutdownTimeout); // the supervisor's ShutdownTimeout

        var faults = new FaultCounter();
        Assert.Equal(3, faults.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(5), faults.Window);
        Assert.Equal(TimeSpan.FromSeconds(10), new HeartbeatLimiter().Interval);
    }

    [Fact]
    public void Breaker_clones_its_options_deeply()
    {
        var options = new CircuitBreakerOptions();
        var breaker = new CircuitBreaker("x", options);
        options.Backoff.InitialDelay = TimeSpan.FromSeconds(9);
        options.MaxAttempts = 2;
        Assert.Equal(TimeSpan.FromSeconds(1), breaker.Options.Backoff.InitialDelay);
        Assert.Equal(5, breaker.Options.MaxAttempts);
    }
}
