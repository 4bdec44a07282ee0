using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace FsmV2;

/// <summary>
/// The bounded pool every action runs in, off the tick. <see cref="Shared"/> is one pool for the whole
/// process, shared by all supervisors, so the number of concurrent actions stays bounded however many
/// supervisors there are. Enqueueing is non-blocking and allocation-free: it returns an
/// <see cref="EnqueueResult"/> instead of throwing.
/// </summary>
public sealed class ActionPool
{
    private readonly ConcurrentQueue<IThreadPoolWorkItem> _queue = new();
    private int _running;
    private int _queued;

    /// <summary>Creates a pool.</summary>
    /// <param name="maxConcurrency">How many actions may run at once (at least 1).</param>
    /// <param name="queueLength">How many actions may wait for a slot (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is out of range.</exception>
    public ActionPool(int maxConcurrency, int queueLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLength);
        MaxConcurrency = maxConcurrency;
        QueueLength = queueLength;
    }

    /// <summary>The process-wide pool: 8 concurrent actions per processor, 10,000 waiting.</summary>
    public static ActionPool Shared { get; } = new(Environment.ProcessorCount * 8, 10_000);

    /// <summary>How many actions may run at once.</summary>
    public int MaxConcurrency { get; }

    /// <summary>How many actions may wait for a slot.</summary>
    public int QueueLength { get; }

    /// <summary>How many actions are running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>How many actions are waiting for a slot now.</summary>
    public int Queued => Volatile.Read(ref _queued);

    internal EnqueueResult TryEnqueue(IThreadPoolWorkItem item)
    {
        if (TryTakeSlot())
        {
            ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
            return EnqueueResult.Started;
        }

        if (Interlocked.Increment(ref _queued) > QueueLength)
        {
            Interlocked.Decrement(ref _queued);
            return EnqueueResult.QueueFull;
        }

        _queue.Enqueue(item);
        DispatchQueued(); // a slot may have been released between the check above and the enqueue
        return EnqueueResult.Queued;
    }

    /// <summary>
    /// Called by a work item when its action has finished: its slot goes to the oldest waiting action, run on this
    /// thread (no extra thread-pool hop per queued action, and the slot changes hands without touching the shared
    /// count), or back to the pool when none waits. A loop, not recursion: a waiting action that completes at once
    /// releases its slot to this loop (<see cref="t_freed"/>), which gives it to the next one.
    /// </summary>
    internal void Release()
    {
        if (t_draining)
        {
            t_freed++;
            return;
        }

        t_draining = true;
        t_freed = 1;
        try
        {
            Drain();
        }
        finally
        {
            if (t_freed > 0)
            {
                Interlocked.Add(ref _running, -t_freed); // an action threw out of Execute: its slots go back
            }

            t_freed = 0;
            t_draining = false;
        }
    }

    // While this thread holds freed slots: each goes to a waiting action; with none waiting they go back to the pool,
    // and one is taken again if an action was queued meanwhile (it saw every slot busy).
    private void Drain()
    {
        while (t_freed > 0)
        {
            if (_queue.TryDequeue(out IThreadPoolWorkItem? next))
            {
                Interlocked.Decrement(ref _queued);
                t_freed--;
                next.Execute();
                continue;
            }

            Interlocked.Add(ref _running, -t_freed);
            t_freed = 0;
            if (TryTakeQueued(out next))
            {
                next.Execute();
            }
        }
    }

    [ThreadStatic]
    private static bool t_draining;

    [ThreadStatic]
    private static int t_freed; // slots released on this thread while it drains, not yet given on or back

    // A read first: while every slot is busy (the steady state of a busy pool) a caller does not take the counter's
    // cache line from the threads that release slots only to give it back.
    private bool TryTakeSlot()
    {
        if (Volatile.Read(ref _running) >= MaxConcurrency)
        {
            return false;
        }

        if (Interlocked.Increment(ref _running) <= MaxConcurrency)
        {
            return true;
        }

        Interlocked.Decrement(ref _running);
        return false;
    }

    private void DispatchQueued()
    {
        while (TryTakeQueued(out IThreadPoolWorkItem? next))
        {
            ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
        }
    }

    /// <summary>
    /// Takes a slot and the oldest waiting action to run in it; false (holding no slot) when the queue is empty or
    /// every slot is busy. A slot taken while another thread emptied the queue is given back.
    /// </summary>
    private bool TryTakeQueued([NotNullWhen(true)] out IThreadPoolWorkItem? next)
    {
        while (!_queue.IsEmpty && TryTakeSlot())
        {
            if (_queue.TryDequeue(out next))
            {
                Interlocked.Decrement(ref _queued);
                return true;
            }

            Interlocked.Decrement(ref _running);
        }

        next = null;
        return false;
    }
}
