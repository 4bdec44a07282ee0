using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// The workers the repository itself ships (samples, runtime tests, the test kit, benchmarks) are clean: compiled with the
/// generator and every FSMV analyzer, they get no FSMV diagnostic at all, warnings included. Each file is compiled with
/// the other worker files of its folder (a worker may derive from a base class, or be partial, across files), and the
/// diagnostics located in it are the file's.
/// </summary>
public class WorkerFilesTests
{
    // Worker files here compile with their folder. The sample's worker spans several files and needs ASP.NET Core, so it is
    // checked where it is built: Directory.Build.props turns every FSMV finding into an error in samples/, tests/ and
    // benchmarks/, and CI's build allows no warning at all.
    private static readonly string[] Folders = ["tests/FsmV2.Tests/Workers", "tests/FsmV2.TestKit/Workers", "benchmarks/FsmV2.Benchmarks/Workers"];

    public static TheoryData<string> WorkerFiles()
    {
        string root = Repository.Root;
        var files = new TheoryData<string>();
        foreach (string folder in Folders)
        {
            string path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                continue;
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
        Assert.Contains("tests/FsmV2.TestKit/Workers/PumpWorker.cs", found);
        Assert.Contains("benchmarks/FsmV2.Benchmarks/Workers/IdleWorker.cs", found);
    }

    [Theory]
    [MemberData(nameof(WorkerFiles))]
    public async Task WorkerFileHasNoFsmvDiagnostic(string relativePath)
    {
        string folder = Path.GetDirectoryName(Repository.PathOf(relativePath))!;
        var sources = new List<(string Path, string Source)>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs").Order(StringComparer.Ordinal))
        {
            string path = Path.GetRelativePath(Repository.Root, file).Replace('\\', '/');
            sources.Add((path, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)));
        }

        AnalysisResult result = await AnalysisHarness.RunAsync(sources, TestContext.Current.CancellationToken);

        Assert.Empty(result.AnalyzerExceptions);
        Diagnostic[] errors = result.Compiler.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The folder does not compile, so the analysis would mean little:\n" + string.Join("\n", errors.Select(e => e.ToString())));

        Diagnostic[] fsmv = result.All
            .Where(d => d.Id.StartsWith("FSMV", StringComparison.Ordinal) && d.Location.GetLineSpan().Path == relativePath)
            .ToArray();
        Assert.True(fsmv.Length == 0, "Expected no FSMV diagnostic, got:\n" + string.Join("\n", fsmv.Select(d => d.ToString())));
    }
}
