using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Every <c>```csharp</c> block of <c>docs/variables-and-templates.md</c> compiles on its own against the runtime, the
/// same way README blocks do (<see cref="ReadmeSnippetTests"/>): each block is its own compilation, because the page
/// promises that every example is self-contained.
/// </summary>
public class DocsSnippetTests
{
    [Fact]
    public void EveryCsharpBlockOfTheVariablesPageCompilesOnItsOwn()
    {
        string path = Repository.PathOf("docs/variables-and-templates.md");
        Assert.True(File.Exists(path), $"{path} was not found.");
        IReadOnlyList<Snippet> snippets = MarkdownSnippets.Extract(File.ReadAllText(path));
        Assert.True(snippets.Count >= 3, $"{path} has {snippets.Count} ```csharp blocks; expected its examples.");

        var errors = new List<string>();
        foreach (var snippet in snippets)
        {
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(MarkdownSnippets.Parse([snippet], "variables-and-templates.md"));
            errors.AddRange(MarkdownSnippets.Errors(compilation.GetDiagnostics(TestContext.Current.CancellationToken)));
        }

        Assert.True(errors.Count == 0, "docs/variables-and-templates.md blocks do not compile:\n" + string.Join("\n", errors));
    }
}
