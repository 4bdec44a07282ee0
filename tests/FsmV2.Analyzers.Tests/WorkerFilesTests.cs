using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// The workers the repository itself ships (samples, runtime tests, benchmarks) are clean: compiled with the
/// generator and every FSMV analyzer, they get no FSMV diagnostic at all, warnings included.
/// </summary>
public class WorkerFilesTests
{
    private static readonly string[] Folders = ["samples", "tests/FsmV2.Tests/Workers", "benchmarks/FsmV2.Benchmarks/Workers"];

    /// <summary>
    /// Findings that are known and deliberate. LinkWorker (a dispatch benchmark run next to Stateless) cycles
    /// through its states unconditionally and never reads ShutdownRequested, so FSMV008 is right about all four
    /// states; the benchmark project silences it for that file in benchmarks/FsmV2.Benchmarks/Workers/.editorconfig.
    /// Listed here so the exception stays visible, and asserted so it is removed once the worker changes.
    /// </summary>
    private static readonly Dictionary<string, string[]> KnownFindings = new(StringComparer.Ordinal)
    {
        ["benchmarks/FsmV2.Benchmarks/Workers/LinkWorker.cs"] = ["FSMV008", "FSMV008", "FSMV008", "FSMV008"],
    };

    private static string RepoRoot([CallerFilePath] string callerFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerFile)!, "..", ".."));

    public static TheoryData<string> WorkerFiles()
    {
        string root = RepoRoot();
        var files = new TheoryData<string>();
        foreach (string folder in Folders)
        {
            string path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                continue; // samples/ arrives later.
            }

            foreach (string file in Directory.EnumerateFiles(path, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (!file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                    !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                    File.ReadAllText(file).Contains("[Worker", StringComparison.Ordinal))
                {
                    files.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
                }
            }
        }

        return files;
    }

    [Fact]
    public void TheWorkersOfTestsAndBenchmarksAreFound()
    {
        string[] found = WorkerFiles().Select(row => row.Data).ToArray();
        Assert.Contains("tests/FsmV2.Tests/Workers/ProbeWorker.cs", found);
        Assert.Contains("tests/FsmV2.Tests/Workers/PumpWorker.cs", found);
        Assert.Contains("benchmarks/FsmV2.Benchmarks/Workers/IdleWorker.cs", found);
    }

    [Theory]
    [MemberData(nameof(WorkerFiles))]
    public async Task WorkerFileHasNoFsmvDiagnostic(string relativePath)
    {
        string source = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), relativePath), TestContext.Current.CancellationToken);
        AnalysisResult result = await AnalysisHarness.RunAsync([(relativePath, source)], TestContext.Current.CancellationToken);

        Assert.Empty(result.AnalyzerExceptions);
        Diagnostic[] errors = result.Compiler.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The file does not compile on its own, so the analysis would mean little:\n" + string.Join("\n", errors.Select(e => e.ToString())));

        string[] fsmv = result.All.Where(d => d.Id.StartsWith("FSMV", StringComparison.Ordinal)).Select(d => d.Id).Order(StringComparer.Ordinal).ToArray();
        string[] known = KnownFindings.TryGetValue(relativePath, out string[]? ids) ? ids : [];
        Assert.True(
            known.SequenceEqual(fsmv),
            $"Expected [{string.Join(", ", known)}], got:\n" + string.Join("\n", result.All.Where(d => d.Id.StartsWith("FSMV", StringComparison.Ordinal)).Select(d => d.ToString())));
    }
}
