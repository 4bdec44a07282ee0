using BenchmarkDotNet.Attributes;
using FsmV2.TestKit;

namespace FsmV2.Benchmarks;

/// <summary>
/// The supervision building blocks on the tick's steady-state path. <see cref="HealthAndBreakerPerChild"/> does,
/// for each of 100 children, what the tick integration will do every tick: ask the child's
/// <see cref="CircuitBreaker"/> whether work may go ahead, record the child's health (its breaker's state
/// included) and record a success; then one <see cref="InfrastructureHealthChecker"/> pass over the 100 children
/// with one sanity check. Every number is per child. <see cref="BackoffNextDelay"/> is one backoff computation
/// (exponential, full jitter, one draw from a seeded <see cref="Random"/>).
/// </summary>
[MemoryDiagnoser]
public class SupervisionBenchmarks
{
    /// <summary>Children under the supervisor.</summary>
    public const int ChildCount = 100;

    private sealed class BrokerConnected : ISanityCheck
    {
        public string Name => "broker-connected";

        public HealthResult Check(DateTimeOffset now) => HealthResult.Healthy;
    }

    private readonly string[] _ids = new string[ChildCount];
    private readonly CircuitBreaker[] _breakers = new CircuitBreaker[ChildCount];
    private readonly ChildHealth[] _health = new ChildHealth[ChildCount];
    private InfrastructureHealthChecker _checker = null!;
    private DateTimeOffset _now;
    private BackoffPolicy _backoff = null!;
    private Random _random = null!;
    private BackoffState _state;
    private int _attempt;

    [GlobalSetup]
    public void Setup()
    {
        var time = TestClock.Clock();
        _now = time.GetUtcNow();
        for (int i = 0; i < ChildCount; i++)
        {
            _ids[i] = $"child-{i}";
            _breakers[i] = new CircuitBreaker(_ids[i], timeProvider: time, random: new Random(i));
        }

        _checker = new InfrastructureHealthChecker([new BrokerConnected()]);
        _backoff = new BackoffPolicy();
        _random = new Random(42);

        if (!HealthAndBreakerPerChild())
        {
            throw new InvalidOperationException("The healthy setup did not check healthy; the benchmark would measure the failure path.");
        }
    }

    /// <summary>Breaker + health check for 100 healthy children (per child: divide by nothing, OperationsPerInvoke does).</summary>
    [Benchmark(OperationsPerInvoke = ChildCount)]
    public bool HealthAndBreakerPerChild()
    {
        DateTimeOffset now = _now;
        CircuitBreaker[] breakers = _breakers;
        ChildHealth[] health = _health;
        for (int i = 0; i < breakers.Length; i++)
        {
            CircuitBreaker breaker = breakers[i];
            bool allowed = breaker.AllowsWork(now);
            health[i] = new ChildHealth(_ids[i], Exists: true, Healthy: allowed, breaker.State);
            breaker.RecordSuccess();
        }

        return _checker.Check<ChildHealth>(health, now).IsHealthy;
    }

    /// <summary>One backoff delay: exponential envelope for attempts 1–10 and a full-jitter draw.</summary>
    [Benchmark]
    public TimeSpan BackoffNextDelay()
    {
        _attempt = (_attempt % 10) + 1;
        return _backoff.NextDelay(_attempt, ref _state, _random);
    }

    /// <summary>The same computation with the jitter sample passed in: the policy's own cost, without the random draw.</summary>
    [Benchmark]
    public TimeSpan BackoffNextDelayGivenSample()
    {
        _attempt = (_attempt % 10) + 1;
        return _backoff.NextDelay(_attempt, ref _state, 0.5);
    }
}
