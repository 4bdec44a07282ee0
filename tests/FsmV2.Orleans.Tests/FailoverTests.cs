using System.Diagnostics;
using FsmV2.Orleans.Tests.Workers;
using Orleans.TestingHost;

namespace FsmV2.Orleans.Tests;

/// <summary>Three silos, many workers, one silo killed: every worker resumes on the others.</summary>
public sealed class FailoverTests
{
    private const int Workers = 1_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_lost_silos_workers_resume_on_the_others_in_their_persisted_state_with_their_restart_counts(bool kill)
    {
        await using TestCluster cluster = await Cluster.StartAsync();
        IGrainFactory grains = cluster.GrainFactory;
        string[] ids = [.. Enumerable.Range(0, Workers).Select(i => $"{(kill ? "kill" : "stop")}-{i}")];
        await Task.WhenAll(ids.Select(id => grains.AddWorkerAsync(id, "ProbeWorker", new ProbeSpec(id))));
        await Probe.WaitUntilAsync(() => ids.All(id => Probe.Starts.GetValueOrDefault(id) == 1), Bound, "every worker to start");

        // one restart each: the count every worker must carry over to its next activation (the same instance
        // restarts in Idle and sees it has started: no second Start)
        await Task.WhenAll(ids.Select(id => grains.GetWorker(id).RestartAsync("test")));
        for (int round = 0; round < 2; round++)
        {
            Probe.Arm(); // two rounds of beats: the second was decided after the restart was taken up
            await Probe.WaitUntilAsync(() => ids.All(Probe.BeatSinceArm.ContainsKey), Bound, "every worker to beat after its restart");
        }

        WorkerGrainStatus[] before = await StatusAsync(grains, ids);
        Assert.All(before, s => Assert.Equal(("Working", 1), (s.State, s.RestartCount)));

        SiloHandle victim = cluster.SecondarySilos[0];
        string dead = victim.SiloAddress.ToString();
        string[] lost = [.. before.Where(s => s.Silo == dead).Select(s => s.Id)];
        TestContext.Current.TestOutputHelper?.WriteLine($"silos before: {Distribution(before)}; {lost.Length} on the victim {victim.SiloAddress}");
        Assert.NotEmpty(lost);

        Probe.Arm(deadSilo: dead); // from now on a beat counts only on a live silo
        var clock = Stopwatch.StartNew();
        await (kill ? cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken) : cluster.StopSiloAsync(victim, TestContext.Current.CancellationToken)); // a crash, or a graceful stop
        await Probe.WaitUntilAsync(() => ids.All(Probe.BeatSinceArm.ContainsKey), Bound, "every worker to beat again after the kill");
        clock.Stop();

        // the lost silo's activations have stopped: none of them beats while every worker beats twice more elsewhere
        int untilBack = Volatile.Read(ref Probe.BeatsOnDeadSilo);
        int late = 0;
        for (int round = 0; round < 2; round++)
        {
            Probe.Arm(deadSilo: dead);
            await Probe.WaitUntilAsync(() => ids.All(Probe.BeatSinceArm.ContainsKey), Bound, "every worker to beat once more");
            late += Volatile.Read(ref Probe.BeatsOnDeadSilo);
        }

        WorkerGrainStatus[] after = await StatusAsync(grains, ids);
        TestContext.Current.TestOutputHelper?.WriteLine($"{(kill ? "kill" : "graceful stop")}: every worker active again {clock.ElapsedMilliseconds} ms after the loss; silos after: {Distribution(after)}; {Probe.Actions} actions in all; the lost silo's activations beat {untilBack} time(s) after the loss until every worker was back, {late} time(s) after that; {CapturedLog.Lines.Count(l => l.EventId == 95)} fenced, {CapturedLog.Lines.Count(l => l.EventId == 96)} claim(s) refused in this process so far");
        Assert.Equal(0, late);
        Assert.All(after, s =>
        {
            Assert.NotEqual(dead, s.Silo);
            Assert.Equal(("Working", 1), (s.State, s.RestartCount));
        });
        // resumed in Working: no worker ran Start again (a new instance in Idle would have: it has not started)
        Assert.All(ids, id => Assert.Equal(1, Probe.Starts[id]));
        Assert.Equal(0, Probe.Overlaps);
    }

    private static async Task<WorkerGrainStatus[]> StatusAsync(IGrainFactory grains, string[] ids) =>
        [.. (await Task.WhenAll(ids.Select(id => Cluster.RetryAsync(() => grains.GetWorker(id).GetStatusAsync())))).Select(s => Assert.Single(s))];

    private static string Distribution(IEnumerable<WorkerGrainStatus> all) =>
        string.Join(", ", all.GroupBy(s => s.Silo).Select(g => $"{g.Key}: {g.Count()}"));
}
