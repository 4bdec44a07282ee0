using FsmV2.Tests.Workers;

namespace FsmV2.Tests.Supervision;

public sealed class OptionsValidationTests
{
    /// <summary>The longest interval a timer, PeriodicTimer, CancelAfter or Task.Delay accepts.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(4294967294);

    private static readonly TimeSpan TooLong = Longest + TimeSpan.FromMilliseconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string TimerBound = "must be at most 49.17:02:47.294, the longest interval a timer accepts.";

    public static TheoryData<string, Action<SupervisorOptions>> WaitsNoTimerAccepts => new()
    {
        { "TickInterval", o => o.TickInterval = TimeSpan.MaxValue },
        { "TickInterval", o => o.TickInterval = TooLong },
        { "CollectInterval", o => o.CollectInterval = TimeSpan.MaxValue },
        { "CollectTimeout", o => o.CollectTimeout = TimeSpan.MaxValue },
        { "DefaultActionTimeout", o => o.DefaultActionTimeout = TimeSpan.MaxValue },
        { "ShutdownTimeout", o => o.ShutdownTimeout = TimeSpan.MaxValue },
    };

    [Theory]
    [MemberData(nameof(WaitsNoTimerAccepts))]
    public void Supervisor_durations_longer_than_a_timer_accepts_are_rejected_naming_the_option(string option, Action<SupervisorOptions> breakIt)
    {
        var options = new SupervisorOptions();
        breakIt(options);
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(options));
        Assert.Equal(option, ex.ParamName);
        TimeSpan value = (TimeSpan)typeof(SupervisorOptions).GetProperty(option)!.GetValue(options)!;
        Assert.StartsWith($"SupervisorOptions.{option} ({value}) {TimerBound}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tick_interval_under_a_millisecond_is_rejected_because_a_PeriodicTimer_refuses_it()
    {
        var options = new SupervisorOptions { TickInterval = TimeSpan.FromTicks(5_000) };
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(options));
        Assert.Equal("TickInterval", ex.ParamName);
        Assert.Contains("SupervisorOptions.TickInterval (00:00:00.0005000) must be at least 1 ms, the shortest period a PeriodicTimer accepts.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodicTimer(options.TickInterval)); // the reason
    }

    [Fact]
    public void Backoff_delays_longer_than_a_timer_accepts_are_rejected_wherever_a_backoff_is_configured()
    {
        var retry = new SupervisorOptions { ActionRetryBackoff = new BackoffOptions { MaxDelay = TimeSpan.MaxValue } };
        ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(retry));
        Assert.Equal("MaxDelay", ex.ParamName);
        Assert.Contains($"BackoffOptions.MaxDelay ({TimeSpan.MaxValue}) {TimerBound}", ex.Message, StringComparison.Ordinal);

        var circuit = new SupervisorOptions();
        circuit.Circuit.Backoff.InitialDelay = TimeSpan.MaxValue;
        Assert.Equal("InitialDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(circuit)).ParamName);
    }

    [Fact]
    public async Task The_longest_accepted_durations_are_ones_the_system_timers_take()
    {
        var options = new SupervisorOptions
        {
            TickInterval = Longest,
            CollectInterval = Longest,
            CollectTimeout = Longest,
            StaleAfter = TimeSpan.MaxValue,
            DefaultActionTimeout = Longest,
            ShutdownTimeout = Longest,
            ActionRetryBackoff = new BackoffOptions { InitialDelay = Longest, MaxDelay = Longest },
        };
        options.Circuit.Backoff.MaxDelay = Longest;
        await using var supervisor = new Supervisor(options, TimeProvider.System, actionPool: new ActionPool(maxConcurrency: 1, queueLength: 1));
        // Collected at once, then its collect timeout and interval are armed on real timers.
        var handle = supervisor.AddWorker("rogue", new RogueWorker(), new RogueSpec(ActionIndex: 0));
        await Harness.WaitUntil(() => handle.Record.Observation.HasValue);

        supervisor.Tick(); // Do(Nudge): its DefaultActionTimeout is armed on a real timer
        await handle.ActionCompletion.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Equal(ActionOutcome.Succeeded, handle.Status.LastAction?.Outcome);

        using var stop = new CancellationTokenSource();
        Task run = supervisor.RunAsync(stop.Token); // a PeriodicTimer of the longest interval
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20), Ct); // its shutdown's deadline is now + ShutdownTimeout
        Assert.True(handle.IsRemoved);

        var policy = new BackoffPolicy(new BackoffOptions { Multiplier = 1e6, MaxDelay = Longest, Jitter = JitterMode.None });
        var state = default(BackoffState);
        TimeSpan delay = policy.NextDelay(100, ref state, 0.0);
        Assert.Equal(Longest, delay);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(delay, new CancellationToken(canceled: true))); // accepted, then cancelled

        // One millisecond more and they refuse it; an [Action(TimeoutMs)] (an int of milliseconds) always fits.
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodicTimer(TooLong));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = Task.Delay(TooLong, Ct); });
        Assert.Throws<ArgumentOutOfRangeException>(() => TimeProvider.System.CreateTimer(_ => { }, null, TooLong, Timeout.InfiniteTimeSpan));
        Assert.True(TimeSpan.FromMilliseconds(int.MaxValue) < Longest);
    }

    [Fact]
    public void Counts_whose_ring_of_event_times_cannot_be_allocated_are_rejected_naming_the_option()
    {
        ArgumentOutOfRangeException faults = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(new SupervisorOptions { FaultThreshold = int.MaxValue }));
        Assert.Equal("FaultThreshold", faults.ParamName);
        Assert.Contains($"SupervisorOptions.FaultThreshold must be at most 10000 (was {int.MaxValue}): each worker keeps that many event times, allocated up front.", faults.Message, StringComparison.Ordinal);

        var intensity = new SupervisorOptions { RestartIntensity = new RestartIntensityOptions { MaxRestarts = int.MaxValue } };
        ArgumentOutOfRangeException restarts = Assert.Throws<ArgumentOutOfRangeException>(() => new Supervisor(intensity));
        Assert.Equal("MaxRestarts", restarts.ParamName);
        Assert.Contains("RestartIntensityOptions.MaxRestarts must be at most 10000", restarts.Message, StringComparison.Ordinal);

        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultCounter(10_001, TimeSpan.FromMinutes(5))).ParamName);
        Assert.Equal(10_000, new FaultCounter(10_000, TimeSpan.FromMinutes(5)).Threshold);
    }

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
        { "InitialDelay", o => o.InitialDelay = TimeSpan.MaxValue },
        { "MaxDelay", o => o.MaxDelay = TimeSpan.MaxValue },
        { "MaxDelay", o => o.MaxDelay = TooLong },
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
        { "MaxDelay", o => o.Backoff.MaxDelay = TimeSpan.MaxValue },
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
        Assert.StartsWith("CircuitBreakerOptions.Backoff must not be null.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Circuit")]
    [InlineData("SanityChecks")]
    [InlineData("RestartIntensity")]
    public void A_missing_supervisor_option_is_rejected_naming_it(string option)
    {
        SupervisorOptions options = new();
        switch (option)
        {
            case "Circuit": options.Circuit = null!; break;
            case "SanityChecks": options.SanityChecks = null!; break;
            default: options.RestartIntensity = null!; break;
        }

        ArgumentNullException ex = Assert.Throws<ArgumentNullException>(options.Validate);
        Assert.Equal(option, ex.ParamName);
        Assert.StartsWith($"SupervisorOptions.{option} must not be null.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Intensity_child_fault_and_heartbeat_options_are_rejected_naming_the_option()
    {
        Assert.Equal("MaxRestarts", Assert.Throws<ArgumentOutOfRangeException>(() => new RestartIntensityTracker(new RestartIntensityOptions { MaxRestarts = -1 })).ParamName);
        Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => new RestartIntensityTracker(new RestartIntensityOptions { Window = TimeSpan.Zero })).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultCounter(0, TimeSpan.FromMinutes(5))).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new FaultCounter(3, TimeSpan.Zero)).ParamName);
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatLimiter(TimeSpan.FromSeconds(-10))).ParamName);
        Assert.Equal("strategy", Assert.Throws<ArgumentOutOfRangeException>(() => RestartPlanner.Plan((RestartStrategy)7, [], "a")).ParamName);
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

        var longStartup = Assert.Throws<ArgumentOutOfRangeException>(() => spec.WithStartupTimeout(TimeSpan.MaxValue));
        Assert.Equal("StartupTimeout", longStartup.ParamName);
        Assert.Contains($"Child 'cell-7'.StartupTimeout ({TimeSpan.MaxValue}) {TimerBound}", longStartup.Message, StringComparison.Ordinal);
        var longShutdown = Assert.Throws<ArgumentOutOfRangeException>(() => spec.WithShutdownTimeout(TimeSpan.MaxValue));
        Assert.Equal("ShutdownTimeout", longShutdown.ParamName);
        Assert.Contains($"Child 'cell-7'.ShutdownTimeout ({TimeSpan.MaxValue}) {TimerBound}", longShutdown.Message, StringComparison.Ordinal);
        Assert.Equal(Longest, spec.WithStartupTimeout(Longest).WithShutdownTimeout(Longest).ShutdownTimeout);
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
