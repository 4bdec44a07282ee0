using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FsmV2.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace FsmV2.CodeFixes;

/// <summary>
/// FSMV019: adds <c>[ChildOf(typeof(P))]</c> to the child worker's declaration (the part that carries <c>[Worker]</c>,
/// in whichever file of the solution it is), after its other attributes.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddChildOfCodeFix))]
[Shared]
public sealed class AddChildOfCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ChildNotOfParentId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Compilation? compilation = await context.Document.Project.GetCompilationAsync(context.CancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ChildProperty, out string? childName) ||
                !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ParentProperty, out string? parentName) ||
                childName is null || parentName is null ||
                compilation.GetTypeByMetadataName(childName) is not { } child ||
                compilation.GetTypeByMetadataName(parentName) is not { } parent ||
                WorkerDeclaration(child, context.Document.Project.Solution, context.CancellationToken) is not { } target)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Declare '{child.Name}' [ChildOf(typeof({parent.Name}))]",
                    ct => AddAttributeAsync(target.Document, target.Declaration, parent, ct),
                    equivalenceKey: DiagnosticDescriptors.ChildNotOfParentId + parentName),
                diagnostic);
        }
    }

    /// <summary>The declaration of <paramref name="child"/> that carries [Worker] (else its first), in a document of the solution.</summary>
    private static (Document Document, TypeDeclarationSyntax Declaration)? WorkerDeclaration(INamedTypeSymbol child, Solution solution, CancellationToken ct)
    {
        SyntaxReference? worker = child.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "FsmV2.WorkerAttribute")?.ApplicationSyntaxReference;
        foreach (SyntaxReference reference in child.DeclaringSyntaxReferences)
        {
            if ((worker is null || (reference.SyntaxTree == worker.SyntaxTree && reference.Span.Contains(worker.Span))) &&
                reference.GetSyntax(ct) is TypeDeclarationSyntax declaration &&
                solution.GetDocument(reference.SyntaxTree) is { } document)
            {
                return (document, declaration);
            }
        }

        return null;
    }

    private static async Task<Solution> AddAttributeAsync(Document document, TypeDeclarationSyntax declaration, INamedTypeSymbol parent, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document.Project.Solution;
        }

        string parentName = parent.ToMinimalDisplayString(model, declaration.SpanStart);
        AttributeListSyntax childOf = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(
                    SyntaxFactory.ParseName("ChildOf"),
                    SyntaxFactory.ParseAttributeArgumentList($"(typeof({parentName}))"))))
            .WithAdditionalAnnotations(Formatter.Annotation);
        TypeDeclarationSyntax updated = declaration.AttributeLists.Count == 0
            ? declaration.WithAttributeLists(SyntaxFactory.SingletonList(childOf.WithLeadingTrivia(declaration.GetLeadingTrivia())))
                .WithModifiers(declaration.Modifiers.Count == 0 ? declaration.Modifiers : declaration.Modifiers.Replace(declaration.Modifiers[0], declaration.Modifiers[0].WithLeadingTrivia(SyntaxFactory.ElasticMarker)))
            : declaration.WithAttributeLists(declaration.AttributeLists.Add(childOf));
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)).Project.Solution;
    }
}
