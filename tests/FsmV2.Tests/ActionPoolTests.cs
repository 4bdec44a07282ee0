using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

public class ActionPoolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Actions_run_concurrently_up_to_the_pool_limit_and_the_rest_wait_in_its_queue()
    {
        var pool = new ActionPool(maxConcurrency: 2, queueLength: 10);
        await using var h = new Harness(pool: pool);
        var gate = new TaskCompletionSource();
        var twoStarted = new TaskCompletionSource();
        int started = 0;
        var handles = Enumerable.Range(0, 5).Select(i => h.Supervisor.AddWorker($"w{i}", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                twoStarted.SetResult();
            }

            return gate.Task;
        }), new ProbeSpec())).ToList();

        h.Supervisor.Tick();
        await twoStarted.Task.WaitAsync(Ct);

        Assert.Equal(2, pool.Running);
        Assert.Equal(3, pool.Queued);
        Assert.Equal(2, Volatile.Read(ref started));
        Assert.All(handles, w => Assert.Equal("Work", w.Status.ActionInFlight)); // queued counts as in flight

        gate.SetResult();
        foreach (var w in handles)
        {
            await w.ActionCompletion.WaitAsync(Ct);
        }

        Assert.Equal(5, Volatile.Read(ref started));
        Assert.Equal(0, pool.Running + pool.Queued);
        Assert.All(handles, w =>
        {
            Assert.Null(w.Status.ActionInFlight);
            Assert.Equal(ActionOutcome.Succeeded, w.Status.LastAction?.Outcome);
        });
    }

    [Fact]
    public async Task A_full_queue_is_reported_without_blocking_and_the_worker_decides_again()
    {
        var pool = new ActionPool(maxConcurrency: 1, queueLength: 0);
        await using var h = new Harness(pool: pool);
        var gate = new TaskCompletionSource();
        var firstSensor = new ProbeSensor(ProbeCommand.Work);
        var first = h.Supervisor.AddWorker("first", new ProbeWorker(firstSensor, _ => gate.Task), new ProbeSpec());
        var second = h.Supervisor.AddWorker("second", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ => Task.CompletedTask), new ProbeSpec());

        h.Supervisor.Tick();

        Assert.Equal("Work", first.Status.ActionInFlight);
        Assert.Null(second.Status.ActionInFlight);
        Assert.True(h.Logged("second (ProbeWorker) action Work not started: the action pool's queue is full"));

        firstSensor.Command = ProbeCommand.Stay; // first is done after this run
        gate.SetResult();
        await first.ActionCompletion.WaitAsync(Ct);
        h.Supervisor.Tick(); // second gets the slot now
        await second.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(ActionOutcome.Succeeded, second.Status.LastAction?.Outcome);
    }

    [Fact]
    public async Task The_tick_is_never_blocked_even_when_every_pool_slot_hangs()
    {
        var pool = new ActionPool(maxConcurrency: 1, queueLength: 10);
        await using var h = new Harness(pool: pool);
        using var blocked = new ManualResetEventSlim();
        var running = new TaskCompletionSource();
        var hanging = h.Supervisor.AddWorker("hangs", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ =>
        {
            running.SetResult();
            blocked.Wait(); // blocks its thread synchronously, ignoring everything
            return Task.CompletedTask;
        }), new ProbeSpec());
        var idle = h.Supervisor.AddWorker("idle", new ProbeWorker(new ProbeSensor(ProbeCommand.GotoNext)), new ProbeSpec());

        h.Supervisor.Tick(); // hangs starts its action; idle A -> B
        await running.Task.WaitAsync(Ct);
        h.Supervisor.Tick(); // the only pool thread of this pool is blocked; idle B -> C

        Assert.Equal("C", idle.Status.State); // A -> B -> C: the other worker kept deciding
        Assert.Equal("Work", hanging.Status.ActionInFlight);
        blocked.Set();
        await hanging.ActionCompletion.WaitAsync(Ct);
    }

    [Fact]
    public async Task An_action_that_ignores_cancellation_is_reported_stuck_at_2x_and_abandoned_at_3x()
    {
        await using var h = new Harness();
        var never = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var handle = h.Supervisor.AddWorker("deaf", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), _ =>
        {
            started.SetResult();
            return never.Task; // ignores its token
        }), new ProbeSpec());
        h.Supervisor.Tick();
        await started.Task.WaitAsync(Ct);

        h.Time.Advance(TimeSpan.FromMilliseconds(1_000)); // 1x: cancelled, still running
        Assert.Equal("Work", handle.Status.ActionInFlight);
        Assert.False(h.Logged("is stuck"));

        h.Time.Advance(TimeSpan.FromMilliseconds(1_000)); // 2x: warning
        Assert.True(h.Logged("deaf (ProbeWorker) action Work is stuck: still running 2000 ms after it was cancelled"));
        Assert.Equal("Work", handle.Status.ActionInFlight);

        h.Time.Advance(TimeSpan.FromMilliseconds(1_000)); // 3x: abandoned, slot released
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Null(handle.Status.ActionInFlight);
        Assert.Equal(ActionOutcome.Abandoned, handle.Status.LastAction?.Outcome);
        Assert.Equal(0, h.Pool.Running);
        Assert.True(h.Logged("deaf (ProbeWorker) action Work abandoned after 3000 ms"));

        never.SetResult(); // it finally returns: logged, not recorded a second time
        await Harness.WaitUntil(() => h.Logged("abandoned action Work finally returned (Succeeded); result ignored"));
        Assert.Single(handle.RecentActions);
        Assert.Equal(ActionOutcome.Abandoned, handle.Status.LastAction?.Outcome);
    }

    [Fact]
    public async Task Removing_a_worker_cancels_its_action_and_it_then_leaves()
    {
        await using var h = new Harness();
        var handle = h.AddWorkerWithEndlessAction("p", out Task started);
        h.Supervisor.Tick();
        await started.WaitAsync(Ct);

        h.Supervisor.RemoveWorker("p");
        await handle.ActionCompletion.WaitAsync(Ct);
        Assert.Equal(ActionOutcome.Cancelled, handle.Status.LastAction?.Outcome);

        h.Supervisor.Tick(); // decides on the fresh observation: shutdown requested -> Remove
        Assert.True(handle.IsRemoved);
    }

    [Fact]
    public async Task Shutdown_drains_an_in_flight_action_instead_of_cancelling_it()
    {
        var h = new Harness();
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async ct =>
        {
            started.SetResult();
            await gate.Task;
            ct.ThrowIfCancellationRequested();
        }), new ProbeSpec());
        h.Supervisor.Tick();
        await started.Task.WaitAsync(Ct);

        Task shutdown = h.Supervisor.ShutdownAsync(Ct);
        h.Time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(shutdown.IsCompleted);

        gate.SetResult();
        await handle.ActionCompletion.WaitAsync(Ct);
        h.Time.Advance(TimeSpan.FromMilliseconds(100)); // next shutdown tick: the worker removes itself
        await shutdown.WaitAsync(Ct);

        Assert.Equal(ActionOutcome.Succeeded, handle.Status.LastAction?.Outcome);
        Assert.True(handle.IsRemoved);
        Assert.False(h.Logged("Shutdown deadline"));
    }

    [Fact]
    public async Task States_see_the_recent_action_results_in_their_snapshot()
    {
        var options = Harness.DefaultOptions.Clone();
        options.ActionHistoryLength = 3;
        await using var h = new Harness(options);
        var sensor = new ProbeSensor(ProbeCommand.Work);
        int run = 0;
        var handle = h.Supervisor.AddWorker("p", new ProbeWorker(sensor, _ =>
            Interlocked.Increment(ref run) % 2 == 0 ? throw new InvalidOperationException("even runs fail") : Task.CompletedTask), new ProbeSpec());

        for (int i = 0; i < 5; i++)
        {
            h.Supervisor.Tick();
            await handle.ActionCompletion.WaitAsync(Ct);
        }

        sensor.Command = ProbeCommand.ReportLastAction;
        h.Time.Advance(TimeSpan.FromSeconds(1)); // a fresh observation with the new command
        h.Supervisor.Tick();

        Assert.Equal("last action Work Succeeded, 3 recent", handle.Status.Reason);
        Assert.Equal(5, Volatile.Read(ref run));
    }

    [Fact]
    public async Task Random_durations_and_failures_never_overlap_two_actions_of_a_worker_nor_lose_a_completion()
    {
        var options = Harness.DefaultOptions.Clone();
        options.ActionHistoryLength = 1_000;
        var pool = new ActionPool(maxConcurrency: 4, queueLength: 100);
        await using var h = new Harness(options, pool);
        const int Workers = 16;
        const int RunsEach = 12;
        var running = new int[Workers];
        var starts = new int[Workers];
        int overlaps = 0;
        var random = new Random(20261123);
        var plans = Enumerable.Range(0, Workers * RunsEach * 2).Select(_ => (Spins: random.Next(0, 20_000), Fail: random.NextDouble() < 0.25, Yield: random.NextDouble() < 0.5)).ToArray();
        int planIndex = -1;

        var handles = Enumerable.Range(0, Workers).Select(w => h.Supervisor.AddWorker($"w{w}", new ProbeWorker(new ProbeSensor(ProbeCommand.Work), async _ =>
        {
            if (Interlocked.Increment(ref running[w]) != 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            Interlocked.Increment(ref starts[w]);
            var plan = plans[Interlocked.Increment(ref planIndex) % plans.Length];
            try
            {
                if (plan.Yield)
                {
                    await Task.Yield();
                }

                Thread.SpinWait(plan.Spins);
                if (plan.Fail)
                {
                    throw new InvalidOperationException("planned failure");
                }
            }
            finally
            {
                Interlocked.Decrement(ref running[w]);
            }
        }), new ProbeSpec())).ToList();

        for (int i = 0; i < 2_000_000 && starts.Any(s => Volatile.Read(ref s) < RunsEach); i++)
        {
            h.Supervisor.Tick();
            if (i % 64 == 0)
            {
                await Task.Yield();
            }
        }

        foreach (var w in handles)
        {
            await w.ActionCompletion.WaitAsync(Ct);
        }

        Assert.Equal(0, overlaps);
        for (int w = 0; w < Workers; w++)
        {
            Assert.True(starts[w] >= RunsEach, $"worker {w} ran {starts[w]} actions");

            // Every start has exactly one recorded result, success or failure.
            IReadOnlyList<ActionResult> results = handles[w].RecentActions;
            Assert.Equal(starts[w], results.Count);
            Assert.All(results, r => Assert.Contains(r.Outcome, new[] { ActionOutcome.Succeeded, ActionOutcome.Failed }));
        }

        Assert.Contains(handles.SelectMany(w => w.RecentActions), r => r.Outcome == ActionOutcome.Failed);
        Assert.Equal(0, pool.Running + pool.Queued);
    }

    // What the items of one run share: how many run now (the most seen), how many ended, and when all have.
    private sealed class Tally(int items)
    {
        private int _running;
        private int _ended;

        public int Most { get; private set; }

        public TaskCompletionSource AllEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Started()
        {
            int running = Interlocked.Increment(ref _running);
            lock (this)
            {
                Most = Math.Max(Most, running);
            }
        }

        public void Ending() => Interlocked.Decrement(ref _running);

        public void Ended()
        {
            if (Interlocked.Increment(ref _ended) == items)
            {
                AllEnded.SetResult();
            }
        }
    }

    // A work item as the runner is one: it releases its slot when it ends, at once or later on another thread.
    private sealed class Item(ActionPool pool, Tally tally, bool later) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            tally.Started();
            if (later)
            {
                _ = Task.Run(End);
                return;
            }

            End();
        }

        private void End()
        {
            tally.Ending();
            pool.Release();
            tally.Ended();
        }
    }

    [Fact]
    public async Task Slots_handed_from_an_ending_action_to_a_waiting_one_never_exceed_the_limit_and_all_come_back()
    {
        var pool = new ActionPool(maxConcurrency: 3, queueLength: 100_000);
        const int Items = 20_000;
        var tally = new Tally(Items);
        Task[] enqueuers = [.. Enumerable.Range(0, 2).Select(e => Task.Run(
            () =>
            {
                for (int i = 0; i < Items / 2; i++)
                {
                    Assert.NotEqual(EnqueueResult.QueueFull, pool.TryEnqueue(new Item(pool, tally, later: i % 7 == 0)));
                }
            },
            Ct))];
        await Task.WhenAll(enqueuers);
        await tally.AllEnded.Task.WaitAsync(Ct);

        // The last release may be one that a draining thread holds until its loop ends: bounded, not slept on.
        Assert.True(SpinWait.SpinUntil(() => pool.Running + pool.Queued == 0, TimeSpan.FromSeconds(30)), $"{pool.Running} running, {pool.Queued} queued");
        Assert.InRange(tally.Most, 1, 3);
    }
}
