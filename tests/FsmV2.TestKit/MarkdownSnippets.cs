using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.TestKit;

/// <summary>One <c>```csharp</c> block of a markdown page: its number (from 1), the line its code starts on, its code.</summary>
public sealed record Snippet(int Index, int FirstLine, string Code);

/// <summary>
/// The <c>```csharp</c> blocks of a markdown page as C# files, so tests can compile a page's examples. Blocks
/// tagged anything other than exactly <c>csharp</c> (for example <c>```csharp fragment</c>) are left out. A block
/// of declarations compiles as it is; a block that is only statements is wrapped in
/// <c>static class Snippet{N} { static async Task Run(string[] args) { ... } }</c> with <see cref="StatementUsings"/>,
/// so short usage examples compile too. <c>#line</c> directives make errors point at the page's lines.
/// </summary>
public static class MarkdownSnippets
{
    /// <summary>The usings a wrapped statement block gets, ahead of its own.</summary>
    public const string StatementUsings = "using FsmV2;\nusing System;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    /// <summary>The <c>```csharp</c> blocks of <paramref name="markdown"/>, in order, with their line numbers.</summary>
    public static IReadOnlyList<Snippet> Extract(string markdown)
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
    /// The block as a compilation unit whose <c>#line</c> directives name <paramref name="file"/>. Statement-only
    /// blocks are wrapped in a static class; their usings stay at the top.
    /// </summary>
    public static string ToCompilationUnit(Snippet snippet, string file)
    {
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(snippet.Code, TestCompilation.ParseOptions).GetRoot();
        bool statementsOnly = root.Members.Count > 0 && root.Members.All(m => m is GlobalStatementSyntax);
        if (!statementsOnly)
        {
            return $"#line {snippet.FirstLine} \"{file}\"\n{snippet.Code}";
        }

        int bodyStart = root.Members[0].FullSpan.Start;
        string usings = snippet.Code[..bodyStart];
        int bodyLine = snippet.FirstLine + usings.Count(c => c == '\n');
        return $"{StatementUsings}#line {snippet.FirstLine} \"{file}\"\n{usings}#line default\n" +
               $"static class Snippet{snippet.Index}\n{{\n    static async System.Threading.Tasks.Task Run(string[] args)\n    {{\n" +
               $"#line {bodyLine} \"{file}\"\n{snippet.Code[bodyStart..]}\n#line default\n    }}\n}}\n";
    }

    /// <summary><paramref name="snippets"/> as syntax trees (see <see cref="ToCompilationUnit"/>), each named <c>{file}#block{N}</c>.</summary>
    public static IReadOnlyList<SyntaxTree> Parse(IEnumerable<Snippet> snippets, string file) =>
        [.. snippets.Select(s => TestCompilation.Parse(ToCompilationUnit(s, file), $"{file}#block{s.Index}"))];

    /// <summary>The errors among <paramref name="diagnostics"/>, each as <c>page(line): id: message</c>.</summary>
    public static IReadOnlyList<string> Errors(IEnumerable<Diagnostic> diagnostics) =>
        [.. diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe)];

    private static string Describe(Diagnostic diagnostic)
    {
        FileLinePositionSpan mapped = diagnostic.Location.GetMappedLineSpan();
        string where = mapped.IsValid ? $"{mapped.Path}({mapped.StartLinePosition.Line + 1})" : diagnostic.Location.ToString();
        return $"{where}: {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }
}
