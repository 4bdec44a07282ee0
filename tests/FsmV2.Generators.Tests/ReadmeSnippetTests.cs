using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Every <c>```csharp</c> block of the repository's README.md compiles, with the generator run over it.
/// </summary>
/// <remarks>
/// All blocks go into one library compilation, each as its own syntax tree, so a later block may use the
/// types of an earlier one. Because it is a library, README blocks must be declarations (types, namespaces,
/// usings), not top-level statements. A block that is only statements is wrapped in
/// <c>static class Snippet{N} { static async Task Run(string[] args) { ... } }</c> with the usual usings, so short
/// usage examples compile too. Blocks tagged anything other than exactly <c>csharp</c> (for example
/// <c>```csharp fragment</c>) are not compiled. The extraction and wrapping are the kit's <see cref="MarkdownSnippets"/>.
/// </remarks>
public class ReadmeSnippetTests
{
    [Fact]
    public void EveryCsharpBlockCompilesWithTheGenerator()
    {
        string path = Repository.PathOf("README.md");
        Assert.True(File.Exists(path), $"README.md was not found at {path}; this test needs it and its ```csharp blocks.");
        IReadOnlyList<Snippet> snippets = MarkdownSnippets.Extract(File.ReadAllText(path));
        Assert.True(snippets.Count > 0, $"README.md at {path} has no ```csharp block; this test needs at least one to compile.");

        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(MarkdownSnippets.Parse(snippets, "README.md"));
        GeneratorRun run = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(registrations: true)); // AddWorker<TWorker>, as in an app

        Assert.All(run.RunResult.Results, r => Assert.Null(r.Exception));
        IReadOnlyList<string> errors = MarkdownSnippets.Errors(run.GeneratorDiagnostics.Concat(run.OutputDiagnostics));
        Assert.True(errors.Count == 0, $"README.md blocks do not compile ({snippets.Count} blocks):\n" + string.Join("\n", errors));
    }

    [Fact]
    public void OnlyBlocksTaggedExactlyCsharpAreExtracted()
    {
        const string markdown = """
            # Title
            ```csharp
            class A { }
            ```
            ```csharp fragment
            not compiled
            ```
            ```json
            { "not": "compiled" }
            ```
            ```
            plain
            ```
              ```csharp
              class B { }
              ```
            """;

        IReadOnlyList<Snippet> snippets = MarkdownSnippets.Extract(markdown);

        Assert.Equal(2, snippets.Count);
        Assert.Equal(new Snippet(1, 3, "class A { }\n"), snippets[0]);
        Assert.Equal(new Snippet(2, 15, "class B { }\n"), snippets[1]);
    }

    [Fact]
    public void MarkdownWithoutCsharpBlocksYieldsNothing() =>
        Assert.Empty(MarkdownSnippets.Extract("# Title\n\n```csharp fragment\nvar x = 1;\n```\n"));

    [Fact]
    public void StatementBlocksAreWrappedAndDeclarationBlocksAreNot()
    {
        string statements = MarkdownSnippets.ToCompilationUnit(new Snippet(3, 10, "using System.Text;\nvar builder = new StringBuilder();\nawait Task.Yield();\n"), "README.md");
        string declarations = MarkdownSnippets.ToCompilationUnit(new Snippet(4, 20, "namespace N;\nclass C { }\n"), "README.md");

        Assert.Contains("static class Snippet3", statements, StringComparison.Ordinal);
        Assert.StartsWith(MarkdownSnippets.StatementUsings, statements, StringComparison.Ordinal);
        Assert.True(
            statements.IndexOf("using System.Text;", StringComparison.Ordinal) < statements.IndexOf("static class", StringComparison.Ordinal),
            "The block's own usings must stay outside the wrapper.");
        Assert.Contains("#line 11 \"README.md\"\nvar builder", statements, StringComparison.Ordinal);
        Assert.DoesNotContain("Snippet4", declarations, StringComparison.Ordinal);

        CSharpCompilation compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(statements, "a.cs"), GeneratorHarness.Parse(declarations, "b.cs")]);
        Assert.Empty(compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
