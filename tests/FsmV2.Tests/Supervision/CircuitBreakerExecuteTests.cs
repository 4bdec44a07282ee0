using Microsoft.Extensions.Time.Testing;
using static FsmV2.TestKit.TestClock;
using static FsmV2.Tests.Supervision.SupervisionTestKit;

namespace FsmV2.Tests.Supervision;

/// <summary><see cref="CircuitBreaker"/> on its own: <c>ExecuteAsync</c> as the guard for a call, on a fake clock.</summary>
public sealed class CircuitBreakerExecuteTests
{
    private readonly FakeTimeProvider _time = Clock();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTimeOffset Now => _time.GetUtcNow();

    private CircuitBreaker Breaker(int threshold = 1) => new("billing-api", Options(threshold), _time, new FixedRandom(0.5));

    private static ValueTask<int> Throws(Exception error) => ValueTask.FromException<int>(error);

    /// <summary>A fallback that records why it ran and answers -1.</summary>
    private static Func<CircuitFallback, CancellationToken, ValueTask<int>> Fallback(List<CircuitFallback> seen) => (why, _) =>
    {
        lock (seen)
        {
            seen.Add(why);
        }

        return ValueTask.FromResult(-1);
    };

    private static async Task<CircuitBreaker> Opened(CircuitBreaker breaker)
    {
        await Assert.ThrowsAsync<TimeoutException>(async () => await breaker.ExecuteAsync(_ => Throws(new TimeoutException("no answer in 2 s"))));
        Assert.Equal(CircuitState.Open, breaker.State);
        return breaker;
    }

    [Fact]
    public async Task A_closed_circuit_runs_the_operation_and_counts_its_success()
    {
        CircuitBreaker breaker = Breaker();
        int calls = 0;

        int result = await breaker.ExecuteAsync(_ => ValueTask.FromResult(++calls * 42), Ct);

        Assert.Equal((42, 1), (result, calls));
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Closed, 1L, 0L, 0L), (stats.State, stats.SuccessCount, stats.FailureCount, stats.RefusedCount));
    }

    [Fact]
    public async Task A_failure_is_recorded_with_its_exception_and_rethrown_and_the_threshold_opens_the_circuit()
    {
        CircuitBreaker breaker = Breaker(threshold: 2);
        var timeout = new TimeoutException("no answer in 2 s");

        TimeoutException thrown = await Assert.ThrowsAsync<TimeoutException>(async () => await breaker.ExecuteAsync(_ => Throws(timeout), Ct));

        Assert.Same(timeout, thrown);
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Closed, 1L, 1), (stats.State, stats.FailureCount, stats.ConsecutiveFailures));
        Assert.Equal("no answer in 2 s", stats.LastFailureReason);
        Assert.Same(timeout, stats.LastException);
        Assert.Equal(Now, stats.LastFailureAt);

        await Assert.ThrowsAsync<TimeoutException>(async () => await breaker.ExecuteAsync(_ => Throws(timeout), Ct));
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(1, breaker.Statistics.TotalTrips);
    }

    [Fact]
    public async Task An_operation_that_throws_synchronously_is_recorded_like_one_that_faults()
    {
        CircuitBreaker breaker = Breaker();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await breaker.ExecuteAsync<int>(_ => throw new InvalidOperationException("bad state"), Ct));

        Assert.Equal((CircuitState.Open, 1L, "bad state"), (breaker.State, breaker.Statistics.FailureCount, breaker.Statistics.LastFailureReason));
    }

    [Fact]
    public async Task An_open_circuit_refuses_without_calling_the_operation_and_names_breaker_state_and_next_probe()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        int calls = 0;

        CircuitOpenException refused = await Assert.ThrowsAsync<CircuitOpenException>(async () => await breaker.ExecuteAsync(_ => ValueTask.FromResult(++calls), Ct));

        Assert.Equal(0, calls);
        Assert.Equal(("billing-api", CircuitState.Open, Now + TimeSpan.FromSeconds(1)), (refused.BreakerName, refused.State, refused.NextProbeAt));
        Assert.Equal(
            "Circuit 'billing-api' is open: the call was refused without running it; the next probe is let through at 2026-01-01T00:00:01.0000000+00:00.",
            refused.Message);
        Assert.Equal((1L, 1L, 0L), (breaker.Statistics.RefusedCount, breaker.Statistics.FailureCount, breaker.Statistics.SuccessCount));
    }

    [Fact]
    public async Task The_fallback_stands_in_for_a_refused_call_and_for_a_failed_one_whose_failure_is_still_recorded()
    {
        CircuitBreaker breaker = Breaker(threshold: 2);
        var seen = new List<CircuitFallback>();
        var refusedConnection = new HttpRequestException("connection refused");

        Assert.Equal(-1, await breaker.ExecuteAsync(_ => Throws(refusedConnection), Fallback(seen), Ct));
        Assert.Equal(-1, await breaker.ExecuteAsync(_ => Throws(refusedConnection), Fallback(seen), Ct)); // opens it
        Assert.Equal(-1, await breaker.ExecuteAsync(_ => ValueTask.FromResult(7), Fallback(seen), Ct)); // refused

        Assert.Equal(
            [(false, CircuitState.Closed, (DateTimeOffset?)null), (false, CircuitState.Open, Now + TimeSpan.FromSeconds(1)), (true, CircuitState.Open, Now + TimeSpan.FromSeconds(1))],
            seen.Select(f => (f.Refused, f.State, f.NextProbeAt)));
        Assert.Same(refusedConnection, seen[0].Exception);
        Assert.Null(seen[2].Exception);
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((2L, 1L, 0L), (stats.FailureCount, stats.RefusedCount, stats.SuccessCount));
        Assert.Same(refusedConnection, stats.LastException);
    }

    [Fact]
    public async Task What_the_fallback_throws_propagates_and_is_not_recorded()
    {
        CircuitBreaker breaker = await Opened(Breaker());

        await Assert.ThrowsAsync<ArgumentException>(async () => await breaker.ExecuteAsync(
            _ => ValueTask.FromResult(1),
            (_, _) => throw new ArgumentException("no cached value"),
            Ct));

        Assert.Equal((1L, 1L), (breaker.Statistics.FailureCount, breaker.Statistics.RefusedCount));
    }

    [Fact]
    public async Task After_the_backoff_delay_one_call_is_the_probe_and_its_success_closes_the_circuit()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        var changes = new List<CircuitStateChange>();
        breaker.StateChanged += (_, change) => changes.Add(change);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(5, await breaker.ExecuteAsync(_ => ValueTask.FromResult(5), Ct));

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal([(CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed)], changes.Select(c => (c.From, c.To)));
        Assert.Equal("probe succeeded", changes[^1].Reason);
        Assert.Equal((1L, 0, 0), (breaker.Statistics.SuccessCount, breaker.Statistics.Attempt, breaker.Statistics.ConsecutiveFailures));
    }

    [Fact]
    public async Task A_failed_probe_reopens_the_circuit_with_the_next_longer_delay()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutException>(async () => await breaker.ExecuteAsync(_ => Throws(new TimeoutException("still down")), Ct));

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Open, 2, TimeSpan.FromSeconds(2)), (stats.State, stats.Attempt, stats.CurrentDelay));
        Assert.Equal(Now + TimeSpan.FromSeconds(2), stats.NextProbeAt);
        Assert.Equal("still down", stats.LastFailureReason);
    }

    [Fact]
    public async Task While_the_probe_is_out_other_callers_get_the_fallback_or_a_half_open_refusal()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        _time.Advance(TimeSpan.FromSeconds(1));
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<int> probe = breaker.ExecuteAsync(_ => new ValueTask<int>(answer.Task), Ct);
        var seen = new List<CircuitFallback>();

        Assert.Equal(-1, await breaker.ExecuteAsync(_ => ValueTask.FromResult(1), Fallback(seen), Ct));
        CircuitOpenException refused = await Assert.ThrowsAsync<CircuitOpenException>(async () => await breaker.ExecuteAsync(_ => ValueTask.FromResult(1), Ct));
        Assert.False(breaker.AllowsWork(Now));

        Assert.Equal((true, CircuitState.HalfOpen, (DateTimeOffset?)null), (seen[0].Refused, seen[0].State, seen[0].NextProbeAt));
        Assert.Equal((CircuitState.HalfOpen, (DateTimeOffset?)null), (refused.State, refused.NextProbeAt));
        Assert.Equal("Circuit 'billing-api' is half-open and its one probe is in flight: the call was refused without running it.", refused.Message);
        answer.SetResult(9);
        Assert.Equal(9, await probe);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(3, breaker.Statistics.RefusedCount);
    }

    [Fact]
    public async Task The_result_of_a_call_let_through_before_the_circuit_opened_does_not_decide_the_probe()
    {
        CircuitBreaker breaker = Breaker();
        var lateSuccess = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lateFailure = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<int> slowSuccess = breaker.ExecuteAsync(_ => new ValueTask<int>(lateSuccess.Task), Ct);
        ValueTask<int> slowFailure = breaker.ExecuteAsync(_ => new ValueTask<int>(lateFailure.Task), Ct);
        await Opened(breaker);
        _time.Advance(TimeSpan.FromSeconds(1));
        var probeAnswer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask<int> probe = breaker.ExecuteAsync(_ => new ValueTask<int>(probeAnswer.Task), Ct);

        lateSuccess.SetResult(1);
        Assert.Equal(1, await slowSuccess);
        lateFailure.SetException(new TimeoutException("late"));
        await Assert.ThrowsAsync<TimeoutException>(async () => await slowFailure);

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.HalfOpen, 1), (stats.State, stats.Attempt)); // neither closed nor reopened it
        Assert.Equal((1L, 2L), (stats.SuccessCount, stats.FailureCount)); // but both are counted
        probeAnswer.SetResult(2);
        Assert.Equal(2, await probe);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_failure_and_nothing_is_recorded()
    {
        CircuitBreaker breaker = Breaker();
        using var caller = new CancellationTokenSource();

        Task<int> call = breaker.ExecuteAsync(async ct =>
        {
            await caller.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return 1;
        }, caller.Token).AsTask();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Closed, 0L, 0L, 0L), (stats.State, stats.FailureCount, stats.SuccessCount, stats.RefusedCount));
    }

    [Fact]
    public async Task An_OperationCanceledException_while_the_caller_has_not_cancelled_is_a_failure()
    {
        CircuitBreaker breaker = Breaker();

        await Assert.ThrowsAsync<TaskCanceledException>(async () => await breaker.ExecuteAsync(_ => Throws(new TaskCanceledException("HttpClient.Timeout of 2 s elapsed")), Ct));

        Assert.Equal((CircuitState.Open, 1L), (breaker.State, breaker.Statistics.FailureCount));
    }

    [Fact]
    public async Task A_call_whose_token_is_already_cancelled_is_neither_run_nor_counted()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        _time.Advance(TimeSpan.FromSeconds(1));
        int calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await breaker.ExecuteAsync(_ => ValueTask.FromResult(++calls), new CancellationToken(canceled: true)));

        Assert.Equal(0, calls);
        Assert.Equal((CircuitState.Open, 0L), (breaker.State, breaker.Statistics.RefusedCount)); // the due probe is still to be had
        Assert.Equal(3, await breaker.ExecuteAsync(_ => ValueTask.FromResult(3), Ct));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task A_probe_cancelled_by_its_caller_is_given_back_and_the_next_call_probes()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        var changes = new List<CircuitStateChange>();
        breaker.StateChanged += (_, change) => changes.Add(change);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var caller = new CancellationTokenSource();
        Task<int> cancelledProbe = breaker.ExecuteAsync(
            async ct =>
            {
                await Task.Delay(Timeout.Infinite, ct); // waits for the caller's cancellation, no timer
                return 0;
            },
            caller.Token).AsTask();
        Assert.False(breaker.AllowsWork(Now)); // the probe is out

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelledProbe);

        Assert.Equal((CircuitState.HalfOpen, 1, 1L), (breaker.State, breaker.Statistics.Attempt, breaker.Statistics.FailureCount));
        await Assert.ThrowsAsync<TimeoutException>(async () => await breaker.ExecuteAsync(_ => Throws(new TimeoutException("still down")), Ct));
        Assert.Equal((CircuitState.Open, 2), (breaker.State, breaker.Statistics.Attempt)); // the next call was the probe
        Assert.Equal([(CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Open)], changes.Select(c => (c.From, c.To)));
    }

    [Fact]
    public async Task A_probe_given_back_goes_to_the_next_caller_of_the_tick_api_too()
    {
        CircuitBreaker breaker = await Opened(Breaker());
        _time.Advance(TimeSpan.FromSeconds(1));
        using var caller = new CancellationTokenSource();

        Task<int> cancelled = breaker.ExecuteAsync<int>(
            async ct =>
            {
                await caller.CancelAsync();
                throw new OperationCanceledException(ct);
            },
            caller.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        Assert.True(breaker.AllowsWork(Now));
        Assert.False(breaker.AllowsWork(Now));
        breaker.RecordSuccess();
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task An_isolated_circuit_refuses_every_call_and_says_who_must_close_it()
    {
        CircuitBreaker breaker = Breaker();
        breaker.Isolate();
        _time.Advance(TimeSpan.FromHours(1));

        CircuitOpenException refused = await Assert.ThrowsAsync<CircuitOpenException>(async () => await breaker.ExecuteAsync(_ => ValueTask.FromResult(1), Ct));

        Assert.Equal((CircuitState.Open, (DateTimeOffset?)null), (refused.State, refused.NextProbeAt));
        Assert.Equal("Circuit 'billing-api' is isolated by an operator: the call was refused without running it until the circuit is closed (CircuitBreaker.Close).", refused.Message);
        breaker.Close();
        Assert.Equal(1, await breaker.ExecuteAsync(_ => ValueTask.FromResult(1), Ct));
    }

    [Fact]
    public async Task The_overload_without_a_result_guards_a_command_the_same_way()
    {
        CircuitBreaker breaker = Breaker(threshold: 2);
        int sent = 0;

        await breaker.ExecuteAsync(async ct =>
        {
            await Task.Yield();
            sent++;
        }, Ct);
        await Assert.ThrowsAsync<IOException>(async () => await breaker.ExecuteAsync(_ => ValueTask.FromException(new IOException("broken pipe")), Ct));
        await Assert.ThrowsAsync<IOException>(async () => await breaker.ExecuteAsync(async _ =>
        {
            await Task.Yield();
            throw new IOException("broken pipe");
        }, Ct));
        await Assert.ThrowsAsync<CircuitOpenException>(async () => await breaker.ExecuteAsync(_ =>
        {
            sent++;
            return ValueTask.CompletedTask;
        }, Ct));

        Assert.Equal(1, sent);
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Open, 1L, 2L, 1L), (stats.State, stats.SuccessCount, stats.FailureCount, stats.RefusedCount));
    }

    [Fact]
    public void Null_arguments_are_named()
    {
        CircuitBreaker breaker = Breaker();

        Assert.Equal("operation", Assert.Throws<ArgumentNullException>(() => breaker.ExecuteAsync<int>(null!, Ct)).ParamName);
        Assert.Equal("operation", Assert.Throws<ArgumentNullException>(() => breaker.ExecuteAsync(null!, Ct)).ParamName);
        Assert.Equal("fallback", Assert.Throws<ArgumentNullException>(() => breaker.ExecuteAsync(_ => ValueTask.FromResult(1), null!, Ct)).ParamName);
        Assert.Equal(0, breaker.Statistics.RefusedCount);
    }

    [Fact]
    public async Task Concurrent_callers_of_a_half_open_circuit_let_exactly_one_probe_through()
    {
        const int callers = 16;
        CircuitBreaker breaker = await Opened(Breaker());
        _time.Advance(TimeSpan.FromSeconds(1));
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int probes = 0;
        var seen = new List<CircuitFallback>();
        var calls = new Task<int>[callers];
        using var start = new Barrier(callers);
        Thread[] threads = [.. Enumerable.Range(0, callers).Select(i => new Thread(() =>
        {
            start.SignalAndWait(Ct); // all callers arrive at once
            calls[i] = breaker.ExecuteAsync(
                _ =>
                {
                    Interlocked.Increment(ref probes);
                    return new ValueTask<int>(answer.Task);
                },
                Fallback(seen),
                Ct).AsTask();
        }))];

        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());

        Assert.Equal(1, probes);
        Assert.Equal(callers - 1, seen.Count);
        Assert.All(seen, f => Assert.Equal((true, CircuitState.HalfOpen), (f.Refused, f.State)));
        answer.SetResult(42);
        int[] results = await Task.WhenAll(calls);
        Assert.Equal([(-1, callers - 1), (42, 1)], results.GroupBy(r => r).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())));
        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Closed, 1L, (long)callers - 1), (stats.State, stats.SuccessCount, stats.RefusedCount));
    }

    [Fact]
    public async Task Concurrent_callers_of_a_closed_circuit_are_each_counted_once()
    {
        const int threads = 8;
        const int callsPerThread = 2_000;
        CircuitBreaker breaker = Breaker(threshold: int.MaxValue);

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(
            async () =>
            {
                for (int i = 0; i < callsPerThread; i++)
                {
                    bool fail = i % 4 == 0;
                    await breaker.ExecuteAsync(_ => fail ? Throws(new TimeoutException("no answer")) : ValueTask.FromResult(i), (_, _) => ValueTask.FromResult(-1), Ct);
                }
            },
            Ct)));

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Closed, threads * callsPerThread * 3L / 4, threads * callsPerThread / 4L, 0L), (stats.State, stats.SuccessCount, stats.FailureCount, stats.RefusedCount));
    }

    [Fact]
    public async Task Concurrent_failures_open_the_circuit_once_and_every_later_call_is_refused()
    {
        const int threads = 8;
        const int callsPerThread = 500;
        const int threshold = 50;
        CircuitBreaker breaker = Breaker(threshold);
        int ran = 0;
        var opened = new List<CircuitStateChange>();
        breaker.StateChanged += (_, change) =>
        {
            lock (opened)
            {
                opened.Add(change);
            }
        };

        await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(
            async () =>
            {
                for (int i = 0; i < callsPerThread; i++)
                {
                    await breaker.ExecuteAsync(
                        _ =>
                        {
                            Interlocked.Increment(ref ran);
                            return Throws(new TimeoutException("no answer"));
                        },
                        (_, _) => ValueTask.FromResult(-1),
                        Ct);
                }
            },
            Ct)));

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal((CircuitState.Open, 1L), (stats.State, stats.TotalTrips));
        CircuitStateChange only = Assert.Single(opened);
        Assert.Equal((CircuitState.Closed, CircuitState.Open), (only.From, only.To));
        Assert.Equal(ran, stats.FailureCount);
        Assert.InRange(stats.FailureCount, threshold, threshold + threads - 1); // at most the calls already let through
        Assert.Equal(threads * callsPerThread - stats.FailureCount, stats.RefusedCount);
    }

    [Fact]
    public async Task Concurrent_callers_through_outages_and_recoveries_keep_every_count_consistent()
    {
        const int threads = 8;
        const int callsPerThread = 1_000;
        CircuitBreaker breaker = Breaker(threshold: 3);
        int ran = 0;
        int transitions = 0;
        breaker.StateChanged += (_, _) => Interlocked.Increment(ref transitions);
        using var done = new CancellationTokenSource();
        Task clock = Task.Run(
            async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    _time.Advance(TimeSpan.FromMilliseconds(250)); // probes come due while the callers run
                    await Task.Yield();
                }
            },
            Ct);

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(
            async () =>
            {
                var random = new Random(t);
                for (int i = 0; i < callsPerThread; i++)
                {
                    bool fail = random.Next(3) == 0;
                    await breaker.ExecuteAsync(
                        async _ =>
                        {
                            Interlocked.Increment(ref ran);
                            await Task.Yield();
                            return fail ? throw new TimeoutException("flaky") : i;
                        },
                        (_, _) => ValueTask.FromResult(-1),
                        Ct);
                }
            },
            Ct)));
        await done.CancelAsync();
        await clock;

        CircuitBreakerStatistics stats = breaker.Statistics;
        Assert.Equal(threads * callsPerThread, stats.SuccessCount + stats.FailureCount + stats.RefusedCount);
        Assert.Equal(ran, stats.SuccessCount + stats.FailureCount);
        Assert.NotEqual(CircuitState.HalfOpen, stats.State); // every probe reported: none is left out
        Assert.True(breaker.State == CircuitState.Closed || breaker.Statistics.NextProbeAt is not null);
        Assert.True(transitions > 0);
    }
}
