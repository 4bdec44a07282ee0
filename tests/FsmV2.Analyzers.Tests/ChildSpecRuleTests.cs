using FsmV2.CodeFixes;
using Microsoft.CodeAnalysis;
using static FsmV2.Analyzers.Tests.Verify;

namespace FsmV2.Analyzers.Tests;

/// <summary>FSMV019: a child spec for a worker that is not [ChildOf] the parent, reported on the spec instead of CS0311, and its fix.</summary>
public class ChildSpecRuleTests
{
    /// <summary>A parent, a cell that is its child, a valve that is a child of another parent and a lamp that is nobody's child.</summary>
    private static string Workers(string specs, string lamp = "[Worker]\npublic sealed partial class LampWorker : IWorker<int, int>") => $$"""
        namespace Plant;

        public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

        [Worker]
        public sealed partial class LineWorker : IWorker<LineSpec, int>
        {
            public ValueTask<int> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(0);

            [State(Initial = true, Terminal = true)]
            static Next Running(in Snapshot<LineSpec, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("running");
        }

        [Worker]
        public sealed partial class TankWorker : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("running");
        }

        [Worker, ChildOf(typeof(LineWorker))]
        public sealed partial class CellWorker : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("running");
        }

        [Worker]
        [ChildOf(typeof(TankWorker))]
        public sealed partial class ValveWorker : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("running");
        }

        {{lamp}}
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("running");
        }

        public static class Plan
        {
            public static IReadOnlyList<ChildSpec> Line() => {{specs}};
        }
        """;

    private static Task Reports(string specs) => AnalyzerAsync<ChildSpecAnalyzer>(Workers(specs));

    [Fact]
    public Task AChildOfTheParentIsQuiet() => Reports("""new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", 1))""");

    [Fact]
    public Task AChildOfAnotherParentIsReportedOnItsSpec() => Reports(
        """new ChildSpecs<LineWorker>().Add(CellWorker.AsChild("c1", 1)).Add({|FSMV019:ValveWorker.AsChild("v1", 2)|})""");

    [Fact]
    public Task AWorkerThatIsNobodysChildIsReportedOnItsSpec() => Reports(
        """new ChildSpecs<LineWorker>().Add({|FSMV019:ChildSpec.Create<LampWorker, int, int>("lamp", 1, () => new LampWorker())|})""");

    [Fact]
    public Task ASpecChainedWithPoliciesIsReportedWhole() => Reports(
        """new ChildSpecs<LineWorker>().Add({|FSMV019:ValveWorker.AsChild("v1", 2).WithPolicy(RestartPolicy.Transient)|})""");

    [Fact]
    public Task ACollectionInitializerIsCheckedEntryByEntry() => Reports(
        """new ChildSpecs<LineWorker> { CellWorker.AsChild("c1", 1), {|FSMV019:ValveWorker.AsChild("v1", 2)|} }""");

    [Fact]
    public Task TheMessageNamesTheChildAndTheParent() => AnalyzerAsync<ChildSpecAnalyzer>(
        Workers("""new ChildSpecs<LineWorker>().Add(ValveWorker.AsChild("v1", 2))"""),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.ChildNotOfParent)
            .WithSpan("Worker.cs", 53, 87, 53, 115)
            .WithArguments("ValveWorker", "LineWorker"));

    [Fact]
    public async Task TheBuildReportsFsmv019InsteadOfCs0311()
    {
        AnalysisResult result = await AnalysisHarness.RunAsync(
            [("Plant.cs", Workers("""new ChildSpecs<LineWorker>().Add(ValveWorker.AsChild("v1", 2))"""))],
            TestContext.Current.CancellationToken);

        Diagnostic reported = Assert.Single(result.All, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("FSMV019", reported.Id);
        Assert.Equal(
            "'ValveWorker' is not declared [ChildOf(typeof(LineWorker))], so it cannot be a child of a LineWorker: add the attribute to ValveWorker or give the LineWorker another child",
            reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public Task TheFixAddsChildOfAfterTheOtherAttributes() => CodeFixAsync<ChildSpecAnalyzer, AddChildOfCodeFix>(
        Workers("""new ChildSpecs<LineWorker>().Add({|FSMV019:ValveWorker.AsChild("v1", 2)|})"""),
        Workers("""new ChildSpecs<LineWorker>().Add(ValveWorker.AsChild("v1", 2))""").Replace(
            "[ChildOf(typeof(TankWorker))]\n", "[ChildOf(typeof(TankWorker))]\n[ChildOf(typeof(LineWorker))]\n", StringComparison.Ordinal));

    [Fact]
    public Task TheFixGivesAWorkerItsFirstParent() => CodeFixAsync<ChildSpecAnalyzer, AddChildOfCodeFix>(
        Workers("""new ChildSpecs<LineWorker>().Add({|FSMV019:ChildSpec.Create<LampWorker, int, int>("lamp", 1, () => new LampWorker())|})"""),
        Workers(
            """new ChildSpecs<LineWorker>().Add(ChildSpec.Create<LampWorker, int, int>("lamp", 1, () => new LampWorker()))""",
            "[Worker]\n[ChildOf(typeof(LineWorker))]\npublic sealed partial class LampWorker : IWorker<int, int>"));

    [Fact]
    public Task TheFixChangesTheFileThatDeclaresTheChild() => CodeFixFilesAsync<ChildSpecAnalyzer, AddChildOfCodeFix>(
        Workers("""new ChildSpecs<LineWorker>().Add({|FSMV019:Pumps.PumpWorker.AsChild("p1", 1)|})"""),
        Workers("""new ChildSpecs<LineWorker>().Add(Pumps.PumpWorker.AsChild("p1", 1))"""),
        ("Pump.cs", Pump("[Worker, ChildOf(typeof(Plant.TankWorker))]"), Pump("[Worker, ChildOf(typeof(Plant.TankWorker))]\n[ChildOf(typeof(Plant.LineWorker))]")));

    private static string Pump(string attributes) => $$"""
        namespace Pumps;

        {{attributes}}
        public sealed partial class PumpWorker : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("running");
        }
        """;
}
