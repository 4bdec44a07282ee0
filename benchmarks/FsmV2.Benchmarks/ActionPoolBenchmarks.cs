using BenchmarkDotNet.Attributes;

namespace FsmV2.Benchmarks;

/// <summary>
/// Throughput of the action pool with no-op actions, side by side with the naive alternative of one
/// <c>Task.Run</c> per action. Each invoke pushes <see cref="Actions"/> actions through and waits until all have
/// run, so the per-operation figures are per action: enqueue, dispatch to the thread pool, run, release.
/// </summary>
[MemoryDiagnoser]
public class ActionPoolBenchmarks
{
    /// <summary>Actions per invoke.</summary>
    public const int Actions = 100_000;

    private readonly ManualResetEventSlim _done = new();
    private ActionPool _pool = null!;
    private ActionPool _roomy = null!;
    private NoOpAction _action = null!;
    private NoOpAction _roomyAction = null!;
    private Action _naive = null!;
    private int _remaining;

    [GlobalSetup]
    public void Setup()
    {
        _pool = new ActionPool(maxConcurrency: Environment.ProcessorCount * 8, queueLength: Actions);
        _roomy = new ActionPool(maxConcurrency: Actions, queueLength: 0);
        _action = new NoOpAction(this, _pool);
        _roomyAction = new NoOpAction(this, _roomy);
        _naive = () => Finish();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Actions, Description = "Task.Run per action")]
    public void TaskRunPerAction()
    {
        Start();
        for (int i = 0; i < Actions; i++)
        {
            _ = Task.Run(_naive);
        }

        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Actions, Description = "ActionPool, bound 8 per core")]
    public void ActionPool()
    {
        Start();
        for (int i = 0; i < Actions; i++)
        {
            if (_pool.TryEnqueue(_action) == EnqueueResult.QueueFull)
            {
                throw new InvalidOperationException("The pool's queue is sized for the whole batch.");
            }
        }

        _done.Wait();
    }

    /// <summary>The pool's own cost (counters and the thread-pool hand-off) when its bound is never reached.</summary>
    [Benchmark(OperationsPerInvoke = Actions, Description = "ActionPool, bound not reached")]
    public void ActionPoolUnderBound()
    {
        Start();
        for (int i = 0; i < Actions; i++)
        {
            if (_roomy.TryEnqueue(_roomyAction) != EnqueueResult.Started)
            {
                throw new InvalidOperationException("This pool's bound is sized for the whole batch.");
            }
        }

        _done.Wait();
    }

    private void Start()
    {
        _done.Reset();
        Volatile.Write(ref _remaining, Actions);
    }

    private void Finish()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.Set();
        }
    }

    /// <summary>An action that does nothing but give its slot back, as every action does when it ends.</summary>
    private sealed class NoOpAction(ActionPoolBenchmarks owner, ActionPool pool) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            pool.Release();
            owner.Finish();
        }
    }
}
