using System.Threading.Tasks.Sources;
using Microsoft.Extensions.Time.Testing;
using static FsmV2.TestKit.TestClock;
using static FsmV2.Tests.Supervision.SupervisionTestKit;

namespace FsmV2.Tests.Supervision;

/// <summary>
/// The hot-path members run in a warmed loop between two readings of this thread's allocation counter. The
/// loops are synchronous so the test stays on one thread.
/// </summary>
public sealed class AllocationTests
{
    private const int Iterations = 20_000;

    private sealed class AlwaysHealthy : ISanityCheck
    {
        public string Name => "always";

        public HealthResult Check(DateTimeOffset now) => HealthResult.Healthy;
    }

    private static long Measure(Action body)
    {
        body(); // warm: JIT, tiering, first-use caches
        body();
        long before = GC.GetAllocatedBytesForCurrentThread();
        body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Breaker_hot_path_allocates_nothing()
    {
        FakeTimeProvider time = Clock();
        var breaker = new CircuitBreaker("x", Options(jitter: JitterMode.Full), time, new Random(42));
        int transitions = 0;
        breaker.StateChanged += (_, _) => transitions++;
        DateTimeOffset now = time.GetUtcNow();
        int allowed = 0;

        long closed = Measure(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                if (breaker.AllowsWork(now))
                {
                    allowed++;
                }

                breaker.RecordSuccess();
            }
        });

        // Every transition: closed -> open (backoff draw), open -> half-open (probe), half-open -> open (next delay),
        // open -> half-open, half-open -> closed.
        long outage = Measure(() =>
        {
            DateTimeOffset later = now + TimeSpan.FromHours(1);
            for (int i = 0; i < Iterations; i++)
            {
                breaker.RecordFailure("down", now);
                breaker.AllowsWork(now);
                breaker.AllowsWork(later);
                breaker.RecordFailure("probe failed", later);
                breaker.AllowsWork(later + TimeSpan.FromHours(1));
                breaker.RecordSuccess();
                _ = breaker.Statistics;
            }
        });

        Assert.Equal(0, closed);
        Assert.Equal(0, outage);
        Assert.Equal(3 * Iterations, allowed);
        Assert.Equal(3 * 5 * Iterations, transitions);
    }

    [Fact]
    public void Backoff_computation_allocates_nothing()
    {
        var random = new Random(7);
        var full = new BackoffPolicy();
        var decorrelated = new BackoffPolicy(new BackoffOptions { Jitter = JitterMode.Decorrelated });
        var linear = new BackoffPolicy(new BackoffOptions { Kind = BackoffKind.Linear, Jitter = JitterMode.None });
        TimeSpan total = TimeSpan.Zero;

        long bytes = Measure(() =>
        {
            var state = new BackoffState();
            for (int i = 0; i < Iterations; i++)
            {
                int attempt = (i % 12) + 1;
                total += full.NextDelay(attempt, ref state, random);
                total += decorrelated.NextDelay(attempt, ref state, random);
                total += linear.NextDelay(attempt, ref state, 0.5);
            }
        });

        Assert.Equal(0, bytes);
        Assert.True(total > TimeSpan.Zero);
    }

    [Fact]
    public void Health_check_of_healthy_children_allocates_nothing()
    {
        var checker = new InfrastructureHealthChecker([new AlwaysHealthy(), new AlwaysHealthy()]);
        ChildHealth[] children = [.. Enumerable.Range(0, 100).Select(i => new ChildHealth($"child-{i}", true, true, CircuitState.Closed))];
        IReadOnlyList<ChildHealth> list = children;
        int healthy = 0;

        long bytes = Measure(() =>
        {
            for (int i = 0; i < Iterations / 10; i++)
            {
                if (checker.Check<ChildHealth>(children, Start).IsHealthy)
                {
                    healthy++;
                }

                if (checker.Check(list, Start).IsHealthy)
                {
                    healthy++;
                }
            }
        });

        Assert.Equal(0, bytes);
        Assert.Equal(3 * 2 * (Iterations / 10), healthy);
    }

    [Fact]
    public void Fault_counter_heartbeat_and_heartbeat_fields_allocate_nothing()
    {
        FakeTimeProvider time = Clock();
        var faults = new FaultCounter();
        var limiter = new HeartbeatLimiter(timeProvider: time);
        var breaker = new CircuitBreaker("x", Options(), time);
        breaker.RecordFailure("down");
        int emitted = 0;

        long bytes = Measure(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                DateTimeOffset now = Start + TimeSpan.FromSeconds(i);
                faults.Record(now);
                if (limiter.ShouldEmit(now))
                {
                    HeartbeatFields fields = OperatorMessages.Heartbeat("x", ErrorScope.Infrastructure, breaker.Statistics, now);
                    emitted += fields.Attempt;
                }
            }
        });

        Assert.Equal(0, bytes);
        Assert.True(emitted > 0);
    }

    [Fact]
    public void ExecuteAsync_allocates_nothing_when_the_operation_or_the_fallback_completes_synchronously()
    {
        FakeTimeProvider time = Clock();
        var closed = new CircuitBreaker("closed", Options(threshold: int.MaxValue), time);
        var isolated = new CircuitBreaker("isolated", Options(), time);
        isolated.Isolate();
        Func<CancellationToken, ValueTask<int>> answer = static _ => new ValueTask<int>(42);
        Func<CancellationToken, ValueTask> send = static _ => ValueTask.CompletedTask;
        Func<CircuitFallback, CancellationToken, ValueTask<int>> fallback = static (why, _) => new ValueTask<int>(why.Refused ? -1 : -2);
        long sum = 0;

        long bytes = Measure(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                sum += closed.ExecuteAsync(answer).Result;
                sum += closed.ExecuteAsync(answer, fallback).Result;
                closed.ExecuteAsync(send).GetAwaiter().GetResult();
                sum += isolated.ExecuteAsync(answer, fallback).Result; // refused: the fallback answers
            }
        });

        Assert.Equal(0, bytes);
        Assert.Equal(3L * Iterations * (42 + 42 - 1), sum);
        Assert.Equal((3L * 3 * Iterations, 0L), (closed.Statistics.SuccessCount, closed.Statistics.RefusedCount));
        Assert.Equal(3L * Iterations, isolated.Statistics.RefusedCount);
    }

    [Fact]
    public void ExecuteAsync_allocates_only_the_async_state_machine_box_when_the_operation_completes_asynchronously()
    {
        var source = new ReusableSource(); // a pending operation that allocates nothing itself
        var breaker = new CircuitBreaker("closed", Options(threshold: int.MaxValue), Clock());
        Func<CancellationToken, ValueTask<int>> pending = _ => source.Next();
        Func<CancellationToken, ValueTask> pendingCommand = _ => source.NextCommand();
        long sum = 0;

        long generic = Measure(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                ValueTask<int> call = breaker.ExecuteAsync(pending);
                source.Complete(1); // the continuations run inline, on this thread
                sum += call.Result;
            }
        });

        long command = Measure(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                ValueTask call = breaker.ExecuteAsync(pendingCommand);
                source.Complete(1);
                call.GetAwaiter().GetResult();
                sum++;
            }
        });

        // The figures CircuitBreaker's remarks and the README give (.NET 10, x64): the guard's box (176 B for an int
        // result), and for the overload without a result the box of the adapter that awaits the command (128 B).
        Assert.InRange(generic / Iterations, 1, 176);
        Assert.InRange(command / Iterations, 1, 176 + 128);
        Assert.Equal(6L * Iterations, sum);
    }

    /// <summary>A value-task source reused for every call, so only what awaits it allocates.</summary>
    private sealed class ReusableSource : IValueTaskSource<int>, IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<int> _core;

        public ValueTask<int> Next()
        {
            _core.Reset();
            return new ValueTask<int>(this, _core.Version);
        }

        public ValueTask NextCommand()
        {
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }

        void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

        public void Complete(int value) => _core.SetResult(value);

        public int GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
