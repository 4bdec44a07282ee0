using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Every <c>```csharp</c> block of the repository's README.md compiles, with the generator run over it.
/// </summary>
/// <remarks>
/// All blocks go into one library compilation, each as its own syntax tree, so a later block may use the
/// types of an earlier one. Because it is a library, README blocks must be declarations (types, namespaces,
/// usings), not top-level statements. A block that is only statements is wrapped in
/// <c>static class Snippet{N} { static async Task Run() { ... } }</c> with the usual usings, so short usage
/// examples compile too. Blocks tagged anything other than exactly <c>csharp</c> (for example
/// <c>```csharp fragment</c>) are not compiled.
/// </remarks>
public class ReadmeSnippetTests
{
    /// <summary>One compiled README block: its body and the README line its first code line is on.</summary>
    internal sealed record Snippet(int Index, int FirstLine, string Code);

    private const string SnippetUsings = "using FsmV2;\nusing System;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string ReadmePath([CallerFilePath] string callerFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerFile)!, "..", "..", "README.md"));

    [Fact]
    public void EveryCsharpBlockCompilesWithTheGenerator()
    {
        string path = ReadmePath();
        Assert.True(File.Exists(path), $"README.md was not found at {path}; this test needs it and its ```csharp blocks.");
        IReadOnlyList<Snippet> snippets = Extract(File.ReadAllText(path));
        Assert.True(snippets.Count > 0, $"README.md at {path} has no ```csharp block; this test needs at least one to compile.");

        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(
            snippets.Select(s => GeneratorHarness.Parse(ToCompilationUnit(s), $"README.md#block{s.Index}")));
        GeneratorRun run = GeneratorHarness.Run(compilation);

        Assert.Null(run.RunResult.Results[0].Exception);
        var errors = run.GeneratorDiagnostics.Concat(run.OutputDiagnostics)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(Describe)
            .ToList();
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

        IReadOnlyList<Snippet> snippets = Extract(markdown);

        Assert.Equal(2, snippets.Count);
        Assert.Equal(new Snippet(1, 3, "class A { }\n"), snippets[0]);
        Assert.Equal(new Snippet(2, 15, "class B { }\n"), snippets[1]);
    }

    [Fact]
    public void MarkdownWithoutCsharpBlocksYieldsNothing() =>
        Assert.Empty(Extract("# Title\n\n```csharp fragment\nvar x = 1;\n```\n"));

    [Fact]
    public void StatementBlocksAreWrappedAndDeclarationBlocksAreNot()
    {
        string statements = ToCompilationUnit(new Snippet(3, 10, "using System.Text;\nvar builder = new StringBuilder();\nawait Task.Yield();\n"));
        string declarations = ToCompilationUnit(new Snippet(4, 20, "namespace N;\nclass C { }\n"));

        Assert.Contains("static class Snippet3", statements, StringComparison.Ordinal);
        Assert.StartsWith(SnippetUsings, statements, StringComparison.Ordinal);
        Assert.True(
            statements.IndexOf("using System.Text;", StringComparison.Ordinal) < statements.IndexOf("static class", StringComparison.Ordinal),
            "The block's own usings must stay outside the wrapper.");
        Assert.Contains("#line 11 \"README.md\"\nvar builder", statements, StringComparison.Ordinal);
        Assert.DoesNotContain("Snippet4", declarations, StringComparison.Ordinal);

        CSharpCompilation compilation = GeneratorHarness.CreateCompilation([GeneratorHarness.Parse(statements, "a.cs"), GeneratorHarness.Parse(declarations, "b.cs")]);
        Assert.Empty(compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>The <c>```csharp</c> blocks of <paramref name="markdown"/>, in order, with their README line numbers.</summary>
    internal static IReadOnlyList<Snippet> Extract(string markdown)
    {
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var snippets = new List<Snippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            int indent = lines[i].Length - fence.Length;
            bool compiled = fence.TrimEnd() == "```csharp";
            var body = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                string line = lines[i];
                int strip = Math.Min(indent, line.Length - line.TrimStart().Length);
                body.Append(line, strip, line.Length - strip).Append('\n');
            }

            if (compiled)
            {
                snippets.Add(new Snippet(snippets.Count + 1, start + 1, body.ToString()));
            }
        }

        return snippets;
    }

    /// <summary>
    /// The block as a compilation unit, with a <c>#line</c> directive so errors point at README.md lines.
    /// Statement-only blocks are wrapped in a static class; their usings stay at the top.
    /// </summary>
    internal static string ToCompilationUnit(Snippet snippet)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(snippet.Code, GeneratorHarness.ParseOptions).GetRoot();
        bool statementsOnly = root.Members.Count > 0 && root.Members.All(m => m is GlobalStatementSyntax);
        if (!statementsOnly)
        {
            return $"#line {snippet.FirstLine} \"README.md\"\n{snippet.Code}";
        }

        int bodyStart = root.Members[0].FullSpan.Start;
        string usings = snippet.Code[..bodyStart];
        int bodyLine = snippet.FirstLine + usings.Count(c => c == '\n');
        return $"{SnippetUsings}#line {snippet.FirstLine} \"README.md\"\n{usings}#line default\n" +
               $"static class Snippet{snippet.Index}\n{{\n    static async System.Threading.Tasks.Task Run()\n    {{\n" +
               $"#line {bodyLine} \"README.md\"\n{snippet.Code[bodyStart..]}\n#line default\n    }}\n}}\n";
    }

    private static string Describe(Diagnostic diagnostic)
    {
        FileLinePositionSpan mapped = diagnostic.Location.GetMappedLineSpan();
        string where = mapped.IsValid ? $"{mapped.Path}({mapped.StartLinePosition.Line + 1})" : diagnostic.Location.ToString();
        return $"{where}: {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
