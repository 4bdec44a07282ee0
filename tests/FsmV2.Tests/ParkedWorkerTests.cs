using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

/// <summary>
/// <see cref="SupervisorOptions.SkipUnchangedStays"/> for top-level workers: a worker whose stay only a change of its
/// inputs could alter is parked (the tick does not visit it) until something wakes it, and the flight recorder still
/// counts one stay per tick. The behaviours a skipped worker shares with an evaluated one are in <see cref="QuietWorkerTests"/>.
/// </summary>
public sealed class ParkedWorkerTests
{
    private static SupervisorOptions Skipping()
    {
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.SkipUnchangedStays = true;
        return options;
    }

    [Fact]
    public async Task A_parked_worker_s_stays_are_counted_while_it_is_parked_and_after_a_new_observation_wakes_it()
    {
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        h.Supervisor.AddWorker("q", new QuietWorker(probe), QuietProbes.Spec(probe)); // observed at t0
        h.Step(6); // decided at the first tick, parked for five
        Assert.Equal((1, 1), (probe.Evaluations, h.Supervisor.ParkedCount));
        Assert.Equal(6, Assert.Single(h.Supervisor.Recorder.GetDecisions("q")).Count);

        h.Step(5); // to t0 + 1.1 s: the collection at t0 + 1 s wakes it for that tick
        Assert.Equal(2, probe.Evaluations);
        h.Step(2);
        DecisionRecord stay = Assert.Single(h.Supervisor.Recorder.GetDecisions("q"));
        Assert.Equal((13, h.Time.GetUtcNow()), (stay.Count, stay.LastAt)); // one per tick, parked or not
        Assert.Equal(2, probe.Evaluations);
    }

    [Fact]
    public async Task Workers_moved_by_a_compaction_of_the_list_still_wake_at_their_own_new_observation()
    {
        await using var h = new Harness(Skipping());
        var probes = Enumerable.Range(0, 6).Select(_ => new QuietProbe()).ToArray();
        for (int i = 0; i < probes.Length; i++)
        {
            h.Supervisor.AddWorker($"q{i}", new QuietWorker(probes[i]), QuietProbes.Spec(probes[i]));
        }

        h.Step(); // all decided, all parked
        for (int i = 0; i < 3; i++)
        {
            Assert.True(h.Supervisor.RemoveWorker($"q{i}")); // woken, removed on the next tick: half the list, so it compacts
        }

        h.Step();
        Assert.Equal(["q3", "q4", "q5"], h.Supervisor.GetStatus().Select(s => s.Id).Order());
        h.Step(); // after the compaction every worker is visited once, then parked again
        int[] before = [.. probes[3..].Select(p => p.Evaluations)];
        h.Step(2);
        Assert.Equal(before, probes[3..].Select(p => p.Evaluations));
        Assert.Equal(3, h.Supervisor.ParkedCount);

        h.Step(7); // t0 + 1.1 s: each one's collection at t0 + 1 s wakes it at its new position
        Assert.Equal(before.Select(e => e + 1), probes[3..].Select(p => p.Evaluations));
        Assert.All(new[] { "q3", "q4", "q5" }, id => Assert.Equal(12, Assert.Single(h.Supervisor.Recorder.GetDecisions(id)).Count));
    }

    [Fact]
    public async Task Thousands_of_workers_park_and_each_wakes_alone_at_its_own_change()
    {
        const int Workers = 5_000; // more than one chunk (4,096) of the woken bitmap, and a last word not full
        await using var h = new Harness(Skipping());
        var probe = new QuietProbe();
        var handles = new List<WorkerHandle<QuietSpec, QuietReading>>(Workers);
        for (int i = 0; i < Workers; i++)
        {
            handles.Add(h.Supervisor.AddWorker($"q{i}", new QuietWorker(probe), QuietProbes.Spec(probe)));
        }

        h.Step(3);
        Assert.Equal((Workers, Workers), (probe.Evaluations, h.Supervisor.ParkedCount));

        handles[^1].UpdateSpec(QuietProbes.Spec(probe, level: 1));
        handles[64].UpdateSpec(QuietProbes.Spec(probe, level: 1));
        h.Step();
        Assert.Equal(Workers + 2, probe.Evaluations);
        Assert.Equal("raised", handles[^1].Status.Reason);
        Assert.Equal("raised", handles[64].Status.Reason);
        Assert.Equal("idle", handles[63].Status.Reason);
    }

    [Fact]
    public void Parked_ticks_are_counted_across_the_wrap_of_the_tick_numbers()
    {
        Assert.Equal(5, ParkSet.TicksBetween(parkedAt: 10, upTo: 15));
        Assert.Equal(0, ParkSet.TicksBetween(parkedAt: 15, upTo: 14)); // a reader during the tick it parked in
        Assert.Equal(3, ParkSet.TicksBetween(parkedAt: -2, upTo: 1)); // -1, (0 skipped), 1: one more across the wrap
        Assert.Equal(2, ParkSet.TicksBetween(parkedAt: int.MaxValue, upTo: int.MinValue + 1));
    }
}
