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

namespace FsmV2.CodeFixes;

/// <summary>
/// FSMV001: declares the missing transition on the state that makes it. The target is appended to the state's
/// [TransitionsTo] as <c>nameof(Target)</c>; a state without [TransitionsTo] gets one, right after its [State].
/// The state may live in another file than the Goto (a helper's Goto is judged against its calling state).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddTransitionCodeFix))]
[Shared]
public sealed class AddTransitionCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.IllegalTransitionId);

    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticDescriptors.StateProperty, out string? state) || state is null ||
                !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.TargetProperty, out string? target) || target is null ||
                root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } typeDeclaration ||
                model.GetDeclaredSymbol(typeDeclaration, context.CancellationToken) is not { } declared)
            {
                continue;
            }

            // The Goto may be in a static class nested in the worker: the state is a member of an enclosing type.
            SyntaxReference? stateReference = null;
            for (INamedTypeSymbol? worker = declared; worker is not null && stateReference is null; worker = worker.ContainingType)
            {
                stateReference = worker.GetMembers(state).OfType<IMethodSymbol>().SelectMany(m => m.DeclaringSyntaxReferences).FirstOrDefault();
            }

            Document? stateDocument = stateReference is null ? null : context.Document.Project.Solution.GetDocument(stateReference.SyntaxTree);
            if (stateReference is null || stateDocument is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Declare the transition {state} → {target} in [TransitionsTo]",
                    ct => AddTransitionAsync(stateDocument, stateReference, target, ct),
                    equivalenceKey: $"{DiagnosticDescriptors.IllegalTransitionId}:{state}:{target}"),
                diagnostic);
        }
    }

    private static async Task<Document> AddTransitionAsync(Document document, SyntaxReference stateReference, string target, CancellationToken ct)
    {
        SyntaxNode root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false) ?? throw new System.InvalidOperationException("The document has no syntax root.");
        if (await stateReference.GetSyntaxAsync(ct).ConfigureAwait(false) is not MethodDeclarationSyntax method)
        {
            return document;
        }

        string identifier = SyntaxFacts.GetKeywordKind(target) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(target) != SyntaxKind.None && target == "nameof"
            ? "@" + target
            : target;
        AttributeArgumentSyntax argument = SyntaxFactory.AttributeArgument(SyntaxFactory.ParseExpression($"nameof({identifier})"));

        MethodDeclarationSyntax updated;
        if (FindTransitionsTo(method) is { } existing)
        {
            AttributeArgumentListSyntax arguments = existing.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            updated = method.ReplaceNode(existing, existing.WithArgumentList(arguments.AddArguments(argument)));
        }
        else
        {
            AttributeListSyntax created = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
                SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("TransitionsTo"), SyntaxFactory.AttributeArgumentList(SyntaxFactory.SingletonSeparatedList(argument)))));

            // Place it after the [State] list, laid out like it: on its own line when [State] is, else on the same line.
            int index = method.AttributeLists.Count;
            for (int i = 0; i < method.AttributeLists.Count; i++)
            {
                if (method.AttributeLists[i].Attributes.Any(a => IsNamed(a, "State")))
                {
                    index = i + 1;
                    break;
                }
            }

            AttributeListSyntax before = method.AttributeLists[index - 1];
            SyntaxTriviaList trailing = before.GetTrailingTrivia();
            if (trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)))
            {
                SyntaxTrivia indentation = before.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
                created = created.WithLeadingTrivia(indentation).WithTrailingTrivia(trailing);
            }
            else
            {
                created = created.WithTrailingTrivia(SyntaxFactory.Space);
            }

            updated = method.WithAttributeLists(method.AttributeLists.Insert(index, created));
        }

        return document.WithSyntaxRoot(root.ReplaceNode(method, updated));
    }

    private static AttributeSyntax? FindTransitionsTo(MethodDeclarationSyntax method) =>
        method.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(a => IsNamed(a, "TransitionsTo"));

    private static bool IsNamed(AttributeSyntax attribute, string name)
    {
        string written = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return written == name || written == name + "Attribute";
    }
}
