using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// Every <c>```csharp</c> block of docs/communicator.md compiles against the toolkit's public API, the hosting
/// package and the sample. A block of declarations compiles as it is; a block of statements is wrapped in a method
/// <c>Run(string[] args)</c>. All blocks share one compilation and the usings below.
/// </summary>
public class DocsSnippetTests
{
    private const string Usings = """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Communicator;
        using FsmV2;
        using FsmV2.Hosting;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        """;

    private static string DocPath([CallerFilePath] string callerFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(callerFile)!, "..", "..", "docs", "communicator.md"));

    [Fact]
    public void Every_csharp_block_of_the_communicator_docs_compiles()
    {
        string path = DocPath();
        Assert.True(File.Exists(path), $"docs/communicator.md not found at {path}");
        List<string> blocks = Extract(File.ReadAllText(path));
        Assert.True(blocks.Count >= 3, $"expected the documentation's csharp blocks, found {blocks.Count}");

        var options = new CSharpParseOptions(LanguageVersion.Latest);
        List<SyntaxTree> trees = [];
        for (int i = 0; i < blocks.Count; i++)
        {
            string code = blocks[i];
            CompilationUnitSyntax unit = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, options, cancellationToken: TestContext.Current.CancellationToken).GetRoot(TestContext.Current.CancellationToken);
            bool statements = unit.Members.Any(m => m is GlobalStatementSyntax);
            string source = statements
                ? $"{Usings}internal static class Snippet{i}\n{{\n    public static async Task Run(string[] args)\n    {{\n{code}\n    }}\n}}\n"
                : Usings + code;
            trees.Add(CSharpSyntaxTree.ParseText(source, options, path: $"communicator.md#block{i + 1}", cancellationToken: TestContext.Current.CancellationToken));
        }

        CSharpCompilation compilation = CSharpCompilation.Create(
            "DocsSnippets",
            trees,
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        string[] errors = [.. compilation.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
        Assert.True(errors.Length == 0, "docs/communicator.md blocks do not compile:\n" + string.Join("\n", errors));
    }

    private static List<string> Extract(string markdown)
    {
        List<string> blocks = [];
        StringBuilder? current = null;
        foreach (string raw in markdown.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            string trimmed = line.Trim();
            if (current is null && trimmed == "```csharp")
            {
                current = new StringBuilder();
            }
            else if (current is not null && trimmed == "```")
            {
                blocks.Add(current.ToString());
                current = null;
            }
            else
            {
                current?.AppendLine(line);
            }
        }

        return blocks;
    }

    /// <summary>Everything this test process can load: the framework (with ASP.NET Core), the toolkit and the sample.</summary>
    private static IEnumerable<MetadataReference> References()
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        foreach (string file in tpa.Split(Path.PathSeparator).Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)))
        {
            yield return MetadataReference.CreateFromFile(file);
        }
    }
}
