using FsmV2.Tests.Workers;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Tests;

/// <summary>Issue 13: what the toolkit keeps for an idle child (its lifecycle and place in the parent's tree on top of a worker's own).</summary>
[Collection(nameof(WorkerFootprintTests))]
public sealed class ChildFootprintTests(ITestOutputHelper output)
{
    private const int Children = 5_000;

    [Fact]
    public async Task An_idle_child_retains_at_most_1_KiB_with_the_flight_recorder_off()
    {
        var measured = new List<double>();
        for (int attempt = 0; attempt < 3 && !measured.Any(b => b is > 100 and <= 1024); attempt++)
        {
            measured.Add(await RetainedPerChild());
        }

        output.WriteLine($"B retained per idle child: {string.Join(", ", measured.Select(b => b.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Contains(measured, b => b is > 100 and <= 1024);
    }

    private static async Task<double> RetainedPerChild()
    {
        FakeTimeProvider time = TestClock.Clock();
        SupervisorOptions options = Harness.DefaultOptions.Clone();
        options.Recorder.Capacity = 0;
        var supervisor = new Supervisor(options, time);
        var lines = new ChildSpecs<PlantWorker>(); // the user's specs, names and settings: not counted
        for (int i = 0; i < Children; i++)
        {
            lines.Add(LineWorker.AsChild($"line-{i}", new NodeSpec()));
        }

        var spec = new NodeSpec(Kids: lines);
        supervisor.AddWorker("warm", new PlantWorker(), new NodeSpec(Kids: new ChildSpecs<PlantWorker> { LineWorker.AsChild("line", new NodeSpec()) }));
        Settle(supervisor, time);

        long before = GC.GetTotalMemory(forceFullCollection: true);
        supervisor.AddWorker("plant", new PlantWorker(), spec);
        Settle(supervisor, time);
        long after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(Children, supervisor.GetStatus().Count(s => s.Id.StartsWith("plant/", StringComparison.Ordinal) && s.State == "Running"));
        GC.KeepAlive(lines);
        await time.AdvanceUntilAsync(supervisor.ShutdownAsync(TestContext.Current.CancellationToken), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        return (after - before) / (double)Children;
    }

    // Ticks until every child runs: created, observed, moved to Running.
    private static void Settle(Supervisor supervisor, FakeTimeProvider time)
    {
        for (int i = 0; i < 6; i++)
        {
            supervisor.Tick();
            time.Advance(Harness.DefaultOptions.CollectInterval);
        }
    }
}
