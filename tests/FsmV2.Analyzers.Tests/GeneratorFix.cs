using System.Collections.Immutable;
using FsmV2.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// Applies a code fix to a diagnostic of the worker generator (the analyzer test framework hands code fixes only
/// analyzer diagnostics). The generator runs over a workspace document, its diagnostic is handed to the fix as
/// the IDE would, the one offered action is applied, and the generator runs again over the result.
/// </summary>
internal static class GeneratorFix
{
    public static async Task AssertFixesAsync(CodeFixProvider provider, string source, string expected)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var workspace = new AdhocWorkspace();
        Document document = AddDocument(workspace, source);

        ImmutableArray<Diagnostic> before = await GeneratorDiagnosticsAsync(document, ct);
        Diagnostic[] fixable = before.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).ToArray();
        Diagnostic diagnostic = Assert.Single(fixable);

        // The generator's diagnostics carry a file path and span; in the IDE they land on that document.
        SyntaxTree tree = (await document.GetSyntaxTreeAsync(ct))!;
        Assert.Equal("/src/Worker.cs", tree.FilePath);
        Assert.Equal(tree.FilePath, diagnostic.Location.GetLineSpan().Path);
        Diagnostic located = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, diagnostic.Location.SourceSpan), diagnostic.Properties);

        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, located, (action, _) => actions.Add(action), ct));
        CodeAction offered = Assert.Single(actions);

        ImmutableArray<CodeActionOperation> operations = await offered.GetOperationsAsync(ct);
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        Document fixedDocument = changed.GetDocument(document.Id)!;
        Assert.Equal(expected, (await fixedDocument.GetTextAsync(ct)).ToString());

        ImmutableArray<Diagnostic> after = await GeneratorDiagnosticsAsync(fixedDocument, ct);
        Assert.DoesNotContain(after, d => d.Id == diagnostic.Id);
    }

    private static Document AddDocument(AdhocWorkspace workspace, string source)
    {
        ProjectInfo project = ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Workers",
            "Workers",
            LanguageNames.CSharp,
            compilationOptions: TestCompilation.LibraryOptions,
            parseOptions: TestCompilation.ParseOptions,
            metadataReferences: TestCompilation.References);
        Project added = workspace.AddProject(project);
        workspace.AddDocument(added.Id, "Usings.cs", SourceText.From(TestCompilation.WorkerUsings));
        return workspace.AddDocument(DocumentInfo.Create(
            DocumentId.CreateNewId(added.Id),
            "Worker.cs",
            loader: TextLoader.From(TextAndVersion.Create(SourceText.From(source), VersionStamp.Create())),
            filePath: "/src/Worker.cs"));
    }

    private static async Task<ImmutableArray<Diagnostic>> GeneratorDiagnosticsAsync(Document document, CancellationToken ct)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync(ct))!;
        CSharpGeneratorDriver.Create(new WorkerGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out _, out ImmutableArray<Diagnostic> diagnostics, ct);
        return diagnostics;
    }
}
