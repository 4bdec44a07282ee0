using FsmV2.Tests.Workers;

namespace FsmV2.Testing.Tests;

/// <summary>Transition coverage and the shortest path to every declared transition, on the README's Pump worker.</summary>
public class CoverageTests
{
    // What makes the pump take each of its declared transitions, for a harness in the transition's source state.
    private static readonly Dictionary<Transition, Action<WorkerHarness<PumpConfig, PumpStatus>>> Stimuli = new()
    {
        [new("Stopped", "Starting")] = h => h.UpdateSpec(new PumpConfig(Run: true)),
        [new("Starting", "Running")] = h => h.Observe(new PumpStatus(Running: true)),
        [new("Starting", "Stopped")] = h => h.RequestShutdown(),
        [new("Running", "Stopped")] = h => h.UpdateSpec(new PumpConfig(Run: false)),
    };

    public static TheoryData<string> PumpPaths => new(TransitionPaths.For(PumpWorker.Definition).Select(p => p.Transition.ToString()));

    [Fact]
    public void ThePumpsShortestPathsGoThroughEveryDeclaredTransition()
    {
        IReadOnlyList<TransitionPath> paths = TransitionPaths.For(PumpWorker.Definition);

        Assert.Equal(
            ["Stopped -> Starting", "Stopped -> Starting -> Running", "Stopped -> Starting -> Stopped", "Stopped -> Starting -> Running -> Stopped"],
            paths.Select(p => p.ToString()));
        Assert.Equal(Transition.DeclaredBy(PumpWorker.Definition), paths.Select(p => p.Transition));
        Assert.All(paths, p => Assert.Equal(p.Transition, p.Steps[^1]));
    }

    [Fact]
    public async Task DrivingEveryPathCoversEveryDeclaredTransition()
    {
        var coverage = new TransitionCoverage(PumpWorker.Definition);
        foreach (TransitionPath path in TransitionPaths.For(PumpWorker.Definition))
        {
            await DriveAsync(path, coverage);
        }

        coverage.AssertComplete();
        Assert.Empty(coverage.Missing);
        Assert.Equal(4, coverage.TimesTaken(new("Stopped", "Starting")));
    }

    [Theory]
    [MemberData(nameof(PumpPaths))]
    public async Task EachPathIsAModelBasedTestCase(string transition)
    {
        TransitionPath path = TransitionPaths.For(PumpWorker.Definition).Single(p => p.Transition.ToString() == transition);
        var coverage = new TransitionCoverage(PumpWorker.Definition);

        await DriveAsync(path, coverage);

        Assert.Equal(path.Steps.Distinct(), coverage.Taken.Where(path.Steps.Contains));
        Assert.True(coverage.TimesTaken(path.Transition) > 0);
    }

    [Fact]
    public async Task ARunThatSkipsATransitionFailsListingIt()
    {
        var coverage = new TransitionCoverage(PumpWorker.Definition);
        foreach (TransitionPath path in TransitionPaths.For(PumpWorker.Definition).Where(p => p.Transition != new Transition("Starting", "Stopped")))
        {
            await DriveAsync(path, coverage);
        }

        var error = Assert.Throws<TransitionCoverageException>(coverage.AssertComplete);

        Assert.Equal("PumpWorker: 1 of 4 declared transition(s) never taken: Starting -> Stopped", error.Message);
        Assert.Equal([new Transition("Starting", "Stopped")], error.Missing);
        Assert.Equal(3, coverage.Taken.Count);
    }

    [Fact]
    public async Task AHarnessRecordsIntoItsOwnCoverage()
    {
        await using var h = new WorkerHarness<PumpConfig, PumpStatus>(new PumpWorker(), new PumpConfig(), new PumpStatus(false));

        h.Tick();

        Assert.Equal([new Transition("Stopped", "Starting")], h.Coverage.Taken);
        Assert.Equal(3, h.Coverage.Missing.Count);
    }

    [Fact]
    public void AnUndeclaredTransitionIsNotCounted()
    {
        var coverage = new TransitionCoverage(PumpWorker.Definition);

        Assert.False(coverage.Record("Stopped", "Running"));
        Assert.True(coverage.Record("Stopped", "Starting"));
        Assert.Equal(0, coverage.TimesTaken(new("Stopped", "Running")));
    }

    [Fact]
    public void ATransitionOutOfAnUnreachableStateHasNoPath()
    {
        // A -> B; C -> A, but nothing goes to C.
        var definition = new WorkerDefinition(
            "IslandWorker",
            ["A", "B", "C"],
            [LifecyclePhase.Stopped, LifecyclePhase.RunningHealthy, LifecyclePhase.RunningHealthy],
            [false, true, false],
            0,
            [[1], [], [0]],
            [],
            []);

        IReadOnlyList<TransitionPath> paths = TransitionPaths.For(definition);

        Assert.Equal(["A -> B", "unreachable: C -> A"], paths.Select(p => p.ToString()));
        Assert.False(paths[1].IsReachable);
        Assert.Empty(paths[1].Steps);
    }

    /// <summary>Starts a pump that should be stopped, then takes each step of <paramref name="path"/> with its stimulus.</summary>
    private static async Task DriveAsync(TransitionPath path, TransitionCoverage coverage)
    {
        Assert.True(path.IsReachable, path.ToString());
        await using var h = new WorkerHarness<PumpConfig, PumpStatus>(
            new PumpWorker(), new PumpConfig(Run: false), new PumpStatus(Running: false), new WorkerHarnessOptions { Coverage = coverage });
        h.Tick();
        foreach (Transition step in path.Steps)
        {
            h.AssertState(step.From);
            Stimuli[step](h);
            h.Tick();
            h.AssertTransitioned(step.From, step.To);
            h.AssertState(step.To);
        }
    }
}
