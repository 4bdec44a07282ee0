using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// Half-typed workers, as an editor sees them mid-keystroke. Every FSMV analyzer runs over each (after the
/// generator) and must never throw: no AD0001 and no call of the analyzer-exception callback.
/// </summary>
public class RobustnessTests
{
    private const string Collect = "public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);";

    private static string Worker(string members, string header = "[Worker]\npublic partial class W : IWorker<int, int>") =>
        $"namespace Half;\n\n{header}\n{{\n    {Collect}\n\n    {members}\n}}\n";

    public static readonly IReadOnlyDictionary<string, string> Corpus = new Dictionary<string, string>
    {
        ["GotoWithoutArguments"] = Worker("[State(Initial = true)]\n    [TransitionsTo(nameof(B))]\n    static Next A(in Snapshot<int, int> s) => Goto();\n    [State]\n    static Next B(in Snapshot<int, int> s) => Stay(\"b\");"),
        ["GotoHalfTypedMember"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s) => Goto(State., \"x\");"),
        ["GotoToUnknownMember"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s) => Goto(State.Nowhere, \"x\");"),
        ["UnclosedConditional"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s) => s.ShutdownRequested ? "),
        ["UnclosedIf"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s)\n    {\n        if (s.\n    }"),
        ["EmptyBlockBody"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s)\n    {\n    }"),
        ["NoBodyAtAll"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s);"),
        ["MissingParameterName"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> ) => Stay(\"a\");"),
        ["MissingParameterList"] = Worker("[State(Initial = true)]\n    static Next A => Stay(\"a\");"),
        ["HalfAssignment"] = Worker("static int F;\n    [State(Initial = true)]\n    static Next A(in Snapshot<int, int> s)\n    {\n        F = ;\n        F++\n        return Stay(\"a\");\n    }"),
        ["HalfTypedAwait"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s)\n    {\n        await \n    }"),
        ["RecursiveHelpers"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s) => H1(s);\n    static Next H1(in Snapshot<int, int> s) => H2(s);\n    static Next H2(in Snapshot<int, int> s) => H1(s);"),
        ["HelperWithoutBody"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s) => H(s);\n    static partial Next H(in Snapshot<int, int> s);"),
        ["TransitionsToHalfTyped"] = Worker("[State(Initial = true)]\n    [TransitionsTo(nameof(\n    static Next A(in Snapshot<int, int> s) => Goto(State.A, \"a\");"),
        ["TransitionsToNull"] = Worker("[State(Initial = true)]\n    [TransitionsTo(null)]\n    static Next A(in Snapshot<int, int> s) => Stay(\"a\");\n    [State]\n    [TransitionsTo((string[])null)]\n    static Next B(in Snapshot<int, int> s) => Stay(\"b\");"),
        ["PhaseHalfTyped"] = Worker("[State(Initial = true, Phase = LifecyclePhase.)]\n    static Next Stopping(in Snapshot<int, int> s) => Stay(\"s\");"),
        ["ActionLoopHalfTyped"] = Worker("[State(Initial = true, Terminal = true)]\n    static Next A(in Snapshot<int, int> s) => Stay(\"a\");\n    [Action]\n    async Task Act1(CancellationToken ct)\n    {\n        while (\n        {\n            try { await } catch\n        }\n    }"),
        ["ActionWithoutBody"] = Worker("[State(Initial = true, Terminal = true)]\n    static Next A(in Snapshot<int, int> s) => Stay(\"a\");\n    [Action]\n    Task Act1(CancellationToken ct)"),
        ["ChildOfHalfTyped"] = Worker("[State(Initial = true, Terminal = true)]\n    static Next A(in Snapshot<int, int> s) => Stay(\"a\");", "[Worker, ChildOf(typeof(]\npublic partial class W : IWorker<int, int>"),
        ["ChildOfCycleThroughUnknown"] = Worker("[State(Initial = true, Terminal = true)]\n    static Next A(in Snapshot<int, int> s) => Stay(\"a\");", "[Worker, ChildOf(typeof(W)), ChildOf(typeof(Missing))]\npublic partial class W : IWorker<int, int>"),
        ["WorkerOnHalfTypedRecord"] = "namespace Half;\n[Worker]\npublic partial record R(",
        ["WorkerOnEnum"] = "namespace Half;\n[Worker]\npublic enum E { A, }",
        ["OnlyTheAttribute"] = "[FsmV2.Worker]",
        ["SwitchWithoutArms"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s) => s switch { };"),
        ["ImpureHalfTyped"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s)\n    {\n        Console.\n        System.IO.File.ReadAll(\n        new Random(\n    }"),
        ["StateOnLocalFunctionLikeSyntax"] = Worker("[State(Initial = true)]\n    static Next A(in Snapshot<int, int> s)\n    {\n        [State] static Next B(in Snapshot<int, int> t) => Stay(\"b\");\n        return B(s);\n    }"),
    };

    public static TheoryData<string> Names => new(Corpus.Keys);

    [Fact]
    public void CorpusIsLargeEnough() => Assert.True(Corpus.Count >= 15, $"The corpus has {Corpus.Count} sources.");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task AnalyzersNeverThrow(string name)
    {
        AnalysisResult result = await AnalysisHarness.RunAsync([(name + ".cs", Corpus[name])], TestContext.Current.CancellationToken);

        Assert.Empty(result.AnalyzerExceptions);
        // Analyzer crashes only: the generator has its own corpus (FsmV2.Generators.Tests/BadInputTests).
        Diagnostic[] crashes = result.All.Where(d => d.Id == "AD0001").ToArray();
        Assert.True(crashes.Length == 0, string.Join("\n", crashes.Select(d => d.ToString())));
    }

    [Fact]
    public async Task TheCorpusIsBrokenCodeThatTheAnalyzersStillSee()
    {
        // Guard against a corpus that silently stopped exercising the analyzers: the half-typed sources do not
        // compile, and some still get analyzer findings (their well-formed parts are analysed).
        int errors = 0;
        int findings = 0;
        foreach ((string name, string source) in Corpus)
        {
            AnalysisResult result = await AnalysisHarness.RunAsync([(name + ".cs", source)], TestContext.Current.CancellationToken);
            errors += result.Compiler.Count(d => d.Severity == DiagnosticSeverity.Error) > 0 ? 1 : 0;
            findings += result.Analyzers.Length;
        }

        Assert.True(errors >= Corpus.Count * 3 / 4, $"Only {errors} of {Corpus.Count} corpus sources fail to compile.");
        Assert.True(findings > 0, "No analyzer reported anything over the whole corpus.");
    }
}
