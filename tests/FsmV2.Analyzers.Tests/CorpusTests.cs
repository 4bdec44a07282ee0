using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// Precision and recall of the FSMV rules over a corpus of realistic workers (Corpus/: one worker per
/// <c>Name.cs</c> with its helpers in <c>Name.Helpers.cs</c>, another partial file, and a shared static
/// <c>Device</c> class), written the way users write them: nested ternaries, switch statements and expressions,
/// pattern matching, local functions, LINQ, records with <c>with</c>, helpers that receive the snapshot, retry
/// helpers. Each expected diagnostic is marked in the source as <c>{|FSMVnnn:span|}</c>; everything unmarked must
/// stay quiet. All files are compiled together, with the generator and every analyzer, as a build would.
/// </summary>
public class CorpusTests
{
    private const string Folder = "tests/FsmV2.Analyzers.Tests/Corpus";

    [Fact]
    public async Task EveryRuleHasFullPrecisionAndRecallOverTheCorpus()
    {
        var expected = new HashSet<(string Id, string Path, TextSpan Span)>();
        var sources = new List<(string Path, string Source)>();
        foreach (string file in Directory.EnumerateFiles(Repository.PathOf(Folder), "*.cs").Order(StringComparer.Ordinal))
        {
            string path = Path.GetRelativePath(Repository.Root, file).Replace('\\', '/');
            string source = Unmark(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), path, expected);
            sources.Add((path, source));
        }

        string[] workers = sources.Select(s => s.Path).Where(p => !p.EndsWith(".Helpers.cs", StringComparison.Ordinal) && !p.EndsWith("/Device.cs", StringComparison.Ordinal)).ToArray();
        int clean = workers.Count(w => !expected.Any(e => e.Path == w || e.Path == w.Replace(".cs", ".Helpers.cs", StringComparison.Ordinal)));
        Assert.True(workers.Length >= 100, $"The corpus has {workers.Length} workers.");
        Assert.True(clean * 2 >= workers.Length, $"{clean} of {workers.Length} workers are clean.");

        AnalysisResult result = await AnalysisHarness.RunAsync(sources, TestContext.Current.CancellationToken);
        Assert.Empty(result.AnalyzerExceptions);
        Diagnostic[] errors = result.Compiler.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("FSMV", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 0, "The corpus does not compile:\n" + string.Join("\n", errors.Take(20).Select(e => e.ToString())));

        var actual = result.All
            .Where(d => d.Id.StartsWith("FSMV", StringComparison.Ordinal) && d.Location != Location.None)
            .Select(d => (d.Id, Path: d.Location.GetLineSpan().Path, Span: d.Location.SourceSpan)) // generator diagnostics carry a file path, not a tree
            .ToHashSet();

        var report = new StringBuilder();
        bool perfect = true;
        foreach (string id in expected.Select(e => e.Id).Concat(actual.Select(a => a.Id)).Distinct().Order(StringComparer.Ordinal))
        {
            int truePositives = actual.Count(a => a.Id == id && expected.Contains(a));
            int falsePositives = actual.Count(a => a.Id == id && !expected.Contains(a));
            int falseNegatives = expected.Count(e => e.Id == id && !actual.Contains(e));
            double precision = truePositives + falsePositives == 0 ? 1 : (double)truePositives / (truePositives + falsePositives);
            double recall = truePositives + falseNegatives == 0 ? 1 : (double)truePositives / (truePositives + falseNegatives);
            report.AppendLine($"{id}: {truePositives} found, {falsePositives} false alarms, {falseNegatives} missed: precision {precision:P0}, recall {recall:P0}");
            perfect &= falsePositives == 0 && falseNegatives == 0;
        }

        foreach ((string id, string path, TextSpan span) in actual.Except(expected).Concat(expected.Except(actual)).OrderBy(x => x.Path, StringComparer.Ordinal))
        {
            report.AppendLine($"{(expected.Contains((id, path, span)) ? "missed" : "false alarm")}: {id} at {path} {span}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(perfect, report.ToString());
    }

    /// <summary>The source without its <c>{|ID:…|}</c> marks; each mark's span is added to <paramref name="expected"/>.</summary>
    private static string Unmark(string marked, string path, HashSet<(string Id, string Path, TextSpan Span)> expected)
    {
        var text = new StringBuilder(marked.Length);
        int i = 0;
        while (i < marked.Length)
        {
            int open = marked.IndexOf("{|FSMV", i, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(marked, i, marked.Length - i);
                break;
            }

            int colon = marked.IndexOf(':', open);
            int close = marked.IndexOf("|}", colon, StringComparison.Ordinal);
            text.Append(marked, i, open - i);
            int start = text.Length;
            text.Append(marked, colon + 1, close - colon - 1);
            expected.Add((marked.Substring(open + 2, colon - open - 2), path, TextSpan.FromBounds(start, text.Length)));
            i = close + 2;
        }

        return text.ToString();
    }
}
