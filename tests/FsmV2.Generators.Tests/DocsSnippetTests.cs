using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Every <c>```csharp</c> block of <c>docs/variables-and-templates.md</c> compiles on its own against the runtime, the
/// same way README blocks do (<see cref="ReadmeSnippetTests"/>): each block is its own compilation, because the page
/// promises that every example is self-contained.
/// </summary>
public class DocsSnippetTests
{
    private static string DocPath([CallerFilePath] string callerFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerFile)!, "..", "..", "docs", "variables-and-templates.md"));

    [Fact]
    public void EveryCsharpBlockOfTheVariablesPageCompilesOnItsOwn()
    {
        string path = DocPath();
        Assert.True(File.Exists(path), $"{path} was not found.");
        IReadOnlyList<ReadmeSnippetTests.Snippet> snippets = ReadmeSnippetTests.Extract(File.ReadAllText(path));
        Assert.True(snippets.Count >= 3, $"{path} has {snippets.Count} ```csharp blocks; expected its examples.");

        var errors = new List<string>();
        foreach (var snippet in snippets)
        {
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(
                [GeneratorHarness.Parse(ReadmeSnippetTests.ToCompilationUnit(snippet), $"variables-and-templates.md#block{snippet.Index}")]);
            errors.AddRange(compilation.GetDiagnostics(TestContext.Current.CancellationToken)
                .Where(static d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => $"block {snippet.Index} (line {snippet.FirstLine}): {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        }

        Assert.True(errors.Count == 0, "docs/variables-and-templates.md blocks do not compile:\n" + string.Join("\n", errors));
    }
}
