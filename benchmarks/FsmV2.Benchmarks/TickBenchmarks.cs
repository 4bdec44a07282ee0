using BenchmarkDotNet.Attributes;
using FsmV2.Benchmarks.Workers;
using FsmV2.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Benchmarks;

/// <summary>
/// One <see cref="Supervisor.Tick"/> over 1,000 idle workers: each has a fresh observation, so every tick
/// builds a snapshot and calls <c>Decide</c> for every worker, which stays. The clock is a
/// <see cref="FakeTimeProvider"/> that is never advanced, so no collector runs again during the measurement and
/// no observation goes stale.
/// </summary>
[MemoryDiagnoser]
public class TickBenchmarks
{
    /// <summary>Workers under the supervisor.</summary>
    public const int WorkerCount = 1_000;

    private FakeTimeProvider _time = null!;
    private Supervisor _supervisor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _time = TestClock.Clock();
        _supervisor = new Supervisor(new SupervisorOptions(), _time);
        for (int i = 0; i < WorkerCount; i++)
        {
            // IdleWorker's collector completes synchronously, so AddWorker records its first observation inline.
            _supervisor.AddWorker($"idle-{i}", new IdleWorker(), new IdleConfig(i));
        }

        foreach (IWorkerRecord record in _supervisor.Store.Records)
        {
            if (record.CollectedAt is null)
            {
                throw new InvalidOperationException($"Worker '{record.Identity.Id}' has no observation; the tick would skip it.");
            }
        }

        // One tick before measuring, then check that every worker really decided (its reason is no longer
        // "added") and that none is stale.
        _supervisor.Tick();
        IReadOnlyList<WorkerStatus> statuses = _supervisor.GetStatus();
        if (statuses.Count != WorkerCount)
        {
            throw new InvalidOperationException($"Expected {WorkerCount} workers, found {statuses.Count}.");
        }

        foreach (WorkerStatus status in statuses)
        {
            if (status.Reason != "idle" || status.IsStale)
            {
                throw new InvalidOperationException($"Worker '{status.Id}' did not decide on the tick: {status}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Every IdleWorker leaves on the first shutdown tick, so this returns without advancing the fake clock.
        _supervisor.ShutdownAsync().GetAwaiter().GetResult();
    }

    /// <summary>One tick over all <see cref="WorkerCount"/> workers.</summary>
    [Benchmark]
    public void Tick() => _supervisor.Tick();
}
