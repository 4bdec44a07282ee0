using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// Every <c>```csharp</c> block of docs/communicator.md compiles against the toolkit's public API, the hosting
/// package and the sample. A block of declarations compiles as it is; a block of statements is wrapped in a method
/// <c>Run(string[] args)</c> (see <see cref="MarkdownSnippets"/>). All blocks share one compilation and the usings below.
/// </summary>
public class DocsSnippetTests
{
    private const string Usings = """
        global using System;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Communicator;
        global using FsmV2;
        global using FsmV2.Hosting;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;

        """;

    [Fact]
    public void Every_csharp_block_of_the_communicator_docs_compiles()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string path = Repository.PathOf("docs/communicator.md");
        Assert.True(File.Exists(path), $"docs/communicator.md not found at {path}");
        IReadOnlyList<Snippet> blocks = MarkdownSnippets.Extract(File.ReadAllText(path));
        Assert.True(blocks.Count >= 3, $"expected the documentation's csharp blocks, found {blocks.Count}");

        // Everything this test process can load: the framework (with ASP.NET Core), the toolkit and the sample.
        CSharpCompilation compilation = TestCompilation.Library(
            "DocsSnippets",
            [TestCompilation.Parse(Usings, "Usings.cs", ct), .. MarkdownSnippets.Parse(blocks, "communicator.md")],
            TestCompilation.ProcessReferences());
        IReadOnlyList<string> errors = MarkdownSnippets.Errors(compilation.GetDiagnostics(ct));
        Assert.True(errors.Count == 0, "docs/communicator.md blocks do not compile:\n" + string.Join("\n", errors));
    }
}
