using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Broken and half-typed workers, as an editor sees them while someone types. The generator must never
/// throw; where a specific FSMV rule applies it must be reported exactly there.
/// </summary>
public class BadInputTests
{
    /// <summary>One corpus entry: a source, and optionally the FSMV id it must report and the text it must point at.</summary>
    public sealed record Case(string Source, string? ExpectedId = null, string? ExpectedText = null);

    private const string Collect = "public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);";

    private const string Initial = """
        [State(Initial = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        """;

    /// <summary>A file with one worker <c>W</c> in namespace <c>Bad</c>; <paramref name="members"/> go inside it.</summary>
    private static string Worker(string members, string header = "[Worker]\npublic partial class W : IWorker<int, int>") => $$"""
        using FsmV2;

        namespace Bad;

        {{header}}
        {
            {{Collect}}

            {{members}}
        }
        """;

    public static readonly IReadOnlyDictionary<string, Case> Corpus = new Dictionary<string, Case>
    {
        ["MissingClosingBraces"] = new(Worker(Initial).TrimEnd().TrimEnd('}') + "\n    static Next Half(in Snapshot<int, int> s) {"),
        ["UnterminatedNameof"] = new(Worker(Initial + "\n    [State]\n    [TransitionsTo(nameof(\n    static Next Next1(in Snapshot<int, int> s) => Stay(\"x\");")),
        ["InitialWithoutValue"] = new(Worker("[State(Initial = )]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");")),
        ["StateReturnsInt"] = new(Worker(Initial + "\n    [State]\n    static int Counting(in Snapshot<int, int> s) => 1;"), "FSMV010", "Counting"),
        ["StateNotStatic"] = new(Worker(Initial + "\n    [State]\n    Next Running(in Snapshot<int, int> s) => Stay(\"r\");"), "FSMV010", "Running"),
        ["StateWithTwoParameters"] = new(Worker(Initial + "\n    [State]\n    static Next Running(in Snapshot<int, int> s, int extra) => Stay(\"r\");"), "FSMV010", "Running"),
        ["StateTakesSnapshotByValue"] = new(Worker(Initial + "\n    [State]\n    static Next Running(Snapshot<int, int> s) => Stay(\"r\");"), "FSMV010", "Running"),
        ["StateWithWrongSnapshotTypes"] = new(Worker(Initial + "\n    [State]\n    static Next Running(in Snapshot<string, int> s) => Stay(\"r\");"), "FSMV010", "Running"),
        ["StateOverloadedByName"] = new(Worker(Initial + "\n    [State]\n    static Next Running(in Snapshot<int, int> s) => Stay(\"r\");\n    [State]\n    static Next Running(Snapshot<int, int> s) => Stay(\"r\");"), "FSMV010", "Running"),
        ["ActionReturnsVoid"] = new(Worker(Initial + "\n    [Action]\n    void Pump(int desired, CancellationToken ct) { }"), "FSMV011", "Pump"),
        ["ActionWithWrongParameters"] = new(Worker(Initial + "\n    [Action]\n    Task Pump(string desired, int ct) => Task.CompletedTask;"), "FSMV011", "Pump"),
        ["ActionWithNegativeTimeout"] = new(Worker(Initial + "\n    [Action(TimeoutMs = -5)]\n    Task Pump(CancellationToken ct) => Task.CompletedTask;"), "FSMV011", "Pump"),
        ["ActionOverloadedByName"] = new(Worker(Initial + "\n    [Action]\n    Task Pump(CancellationToken ct) => Task.CompletedTask;\n    [Action]\n    Task Pump(int desired, CancellationToken ct) => Task.CompletedTask;"), "FSMV011", "Pump"),
        ["WorkerNotPartial"] = new(Worker(Initial, "[Worker]\npublic class W : IWorker<int, int>"), "FSMV015", "W"),
        ["ContainingTypeNotPartial"] = new("using FsmV2;\nnamespace Bad;\npublic class Outer\n{\n" + Worker(Initial, "[Worker]\npublic partial class Inner : IWorker<int, int>").Split("namespace Bad;")[1] + "\n}", "FSMV015", "Inner"),
        ["WorkerWithoutInterface"] = new(Worker(Initial, "[Worker]\npublic partial class W"), "FSMV016", "W"),
        ["InterfaceWithUndefinedTypeArgument"] = new(Worker(Initial, "[Worker]\npublic partial class W : IWorker<Missing, int>"), "FSMV016", "W"),
        ["InterfaceImplementedTwice"] = new(Worker(Initial + "\n    public ValueTask<string> CollectAsync(string desired, CancellationToken ct) => default;", "[Worker]\npublic partial class W : IWorker<int, int>, IWorker<string, string>"), "FSMV016", "W"),
        ["GenericWorker"] = new(Worker(Initial, "[Worker]\npublic partial class W<T> : IWorker<int, int>"), "FSMV017", "W"),
        ["WorkerNestedInGenericType"] = new("using FsmV2;\nnamespace Bad;\npublic partial class Outer<T>\n{\n" + Worker(Initial, "[Worker]\npublic partial class Inner : IWorker<int, int>").Split("namespace Bad;")[1] + "\n}", "FSMV017", "Inner"),
        ["UnknownTransitionTarget"] = new(Worker("[State(Initial = true)]\n    [TransitionsTo(\"Nowhere\")]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");"), "FSMV002", "TransitionsTo(\"Nowhere\")"),
        ["TransitionTargetIsAnAction"] = new(Worker("[State(Initial = true)]\n    [TransitionsTo(nameof(Pump))]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");\n    [Action]\n    Task Pump(CancellationToken ct) => Task.CompletedTask;"), "FSMV002", "TransitionsTo(nameof(Pump))"),
        ["TransitionTargetUndefinedName"] = new(Worker("[State(Initial = true)]\n    [TransitionsTo(nameof(Nowhere), null)]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");")),
        ["TransitionsToNull"] = new(Worker("[State(Initial = true)]\n    [TransitionsTo(null)]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");\n    [State]\n    [TransitionsTo((string[])null)]\n    static Next Other(in Snapshot<int, int> s) => Stay(\"other\");")),
        ["NoInitialState"] = new(Worker("[State]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");"), "FSMV003", "W"),
        ["TwoInitialStates"] = new(Worker(Initial + "\n    [State(Initial = true)]\n    static Next Other(in Snapshot<int, int> s) => Stay(\"other\");"), "FSMV004", "Other"),
        ["ChildOfString"] = new(Worker(Initial, "[Worker]\n[ChildOf(typeof(string))]\npublic partial class W : IWorker<int, int>"), "FSMV013", "ChildOf(typeof(string))"),
        ["ChildOfUndefinedType"] = new(Worker(Initial, "[Worker]\n[ChildOf(typeof(Missing))]\npublic partial class W : IWorker<int, int>")),
        ["ChildOfNull"] = new(Worker(Initial, "[Worker]\n[ChildOf(null)]\npublic partial class W : IWorker<int, int>")),
        ["EmptyClass"] = new("using FsmV2;\n[Worker]\npublic partial class W : IWorker<int, int>\n{\n}\n", "FSMV003", "W"),
        ["WorkerOnStruct"] = new(Worker(Initial, "[Worker]\npublic partial struct W : IWorker<int, int>")),
        ["WorkerOnRecord"] = new(Worker(Initial, "[Worker]\npublic partial record W : IWorker<int, int>")),
        ["WorkerOnInterface"] = new(Worker("", "[Worker]\npublic partial interface W : IWorker<int, int>").Replace(Collect, string.Empty, StringComparison.Ordinal)),
        ["WorkerAttributeOnBothPartialParts"] = new(Worker(Initial) + "\n[Worker]\npublic partial class W\n{\n    [State]\n    static Next Second(in Snapshot<int, int> s) => Stay(\"second\");\n}\n"),
        ["PhaseOutOfRange"] = new(Worker("[State(Initial = true, Phase = (LifecyclePhase)42)]\n    static Next Idle(in Snapshot<int, int> s) => Stay(\"idle\");")),
        ["StateOnAProperty"] = new(Worker(Initial + "\n    [State]\n    static Next Prop => default;")),
        ["OnlyTheAttribute"] = new("using FsmV2;\n[Worker]"),
        ["AttributeAndKeywordOnly"] = new("using FsmV2;\n[Worker] partial class"),
        ["StateNamedLikeAKeyword"] = new(Worker("[State(Initial = true)]\n    [TransitionsTo(nameof(@class))]\n    static Next @event(in Snapshot<int, int> s) => Stay(\"e\");\n    [State]\n    static Next @class(in Snapshot<int, int> s) => Stay(\"c\");\n    [Action]\n    Task @while(CancellationToken ct) => Task.CompletedTask;")),
        ["WorkerNamedLikeAKeyword"] = new(Worker(Initial, "[Worker]\npublic partial class @class : IWorker<int, int>").Replace("namespace Bad;", "namespace Bad.@event;", StringComparison.Ordinal)),
    };

    public static TheoryData<string> Names => new(Corpus.Keys);

    [Fact]
    public void CorpusIsLargeEnough() => Assert.True(Corpus.Count >= 15, $"The corpus has {Corpus.Count} sources.");

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratorNeverFails(string name)
    {
        Case input = Corpus[name];
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(input.Source, name + ".cs")]));

        Assert.Null(run.RunResult.Results[0].Exception);
        Diagnostic[] all = [.. run.GeneratorDiagnostics, .. run.OutputDiagnostics];
        Assert.DoesNotContain(all, d => d.Id is "FSMV099" or "CS8785");

        if (input.ExpectedId is null)
        {
            return;
        }

        Diagnostic[] reported = run.GeneratorDiagnostics.Where(d => d.Id == input.ExpectedId).ToArray();
        Assert.True(reported.Length > 0, $"Expected {input.ExpectedId}; the generator reported: {string.Join("; ", run.GeneratorDiagnostics)}");
        foreach (Diagnostic diagnostic in reported)
        {
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal(input.ExpectedText, TextAt(run, diagnostic.Location));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GeneratedCodeAddsNoErrorsOfItsOwn(string name)
    {
        // Whatever the user got wrong is reported on the user's code; the generated file itself compiles.
        Case input = Corpus[name];
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(input.Source, name + ".cs")]));
        var generatedTrees = run.RunResult.GeneratedTrees.ToHashSet();

        Diagnostic[] inGenerated = run.OutputErrors.Where(d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)).ToArray();
        Assert.True(inGenerated.Length == 0, "Errors in generated code:\n" + string.Join("\n", inGenerated.Select(d => d.ToString())));
    }

    [Fact]
    public void DiagnosticLocationsCarryTheirLinePositions()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Corpus["TwoInitialStates"].Source, "Two.cs")]));
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "FSMV004");
        SyntaxTree tree = TreeOf(run, diagnostic.Location);

        FileLinePositionSpan lines = diagnostic.Location.GetLineSpan();
        Assert.Equal("Two.cs", lines.Path);
        Assert.Equal(tree.GetLineSpan(diagnostic.Location.SourceSpan, TestContext.Current.CancellationToken).Span, lines.Span);
        Assert.Contains("Idle, Other", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void WorkerAttributeOnBothPartsEmitsOneFileWithTheStatesOfBoth()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Corpus["WorkerAttributeOnBothPartialParts"].Source, "Both.cs")]));

        string source = run.SingleSource();
        Assert.Contains("stateNames: new string[] { \"Idle\", \"Second\" }", source, StringComparison.Ordinal);
        Assert.Equal(["CS0579"], run.OutputErrors.Select(d => d.Id).Distinct());
    }

    [Fact]
    public void OverloadsAreReportedAndLeftOutOfTheEnums()
    {
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(Corpus["StateOverloadedByName"].Source, "Overload.cs")]));

        Diagnostic reported = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("FSMV010", reported.Id);
        Assert.Equal(run.Input.SyntaxTrees.Last().ToString().LastIndexOf("Running(Snapshot", StringComparison.Ordinal), reported.Location.SourceSpan.Start);
        Assert.Contains("stateNames: new string[] { \"Idle\", \"Running\" }", run.SingleSource(), StringComparison.Ordinal);
        Assert.Empty(run.OutputErrors);
    }

    [Fact]
    public void KeywordNamesAreEscapedInCodeAndPlainInDiagrams()
    {
        GeneratorRun run = GeneratorHarness.Run(
            Corpus["StateNamedLikeAKeyword"].Source.Replace("partial class W", "partial class @struct", StringComparison.Ordinal).Replace("namespace Bad;", "namespace Bad.@event;", StringComparison.Ordinal));
        run.AssertNoErrors();

        Assert.Equal(["Bad.event.struct.g.cs"], run.Sources.Keys);
        Type worker = GeneratorHarness.Load(run).GetType("Bad.event.struct", throwOnError: true)!;
        string mermaid = (string)worker.GetMethod("ToMermaid")!.Invoke(null, null)!;
        Assert.Equal("stateDiagram-v2\n    [*] --> event\n    event --> class\n", mermaid);
    }

    private static SyntaxTree TreeOf(GeneratorRun run, Location location)
    {
        // Generator diagnostics travel through the pipeline as plain data, so their location names the file
        // by path rather than holding the syntax tree.
        if (location.SourceTree is { } tree)
        {
            return tree;
        }

        string path = location.GetLineSpan().Path;
        return run.Input.SyntaxTrees.Single(t => t.FilePath == path);
    }

    private static string TextAt(GeneratorRun run, Location location) =>
        TreeOf(run, location).GetText(TestContext.Current.CancellationToken).ToString(location.SourceSpan);
}
