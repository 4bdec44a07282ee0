using System.Collections.Immutable;
using System.Composition;
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
/// FSMV008: puts the shutdown check in front of the state's decision, answering it with
/// <c>Remove("shutdown requested")</c>, the one decision that is always legal (it needs no declared transition):
/// <list type="bullet">
/// <item>an expression body <c>=&gt; e</c> becomes <c>=&gt; s.ShutdownRequested ? Remove("shutdown requested") : e</c>;</item>
/// <item>a block body gets <c>if (s.ShutdownRequested) { return Remove("shutdown requested"); }</c> as its first
/// statement, before any local declarations (the check needs nothing they compute).</item>
/// </list>
/// A worker with cleanup to do replaces the Remove with a Goto to its stopping state.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CheckShutdownFirstCodeFix))]
[Shared]
public sealed class CheckShutdownFirstCodeFix : CodeFixProvider
{
    private const string Reason = "\"shutdown requested\"";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ShutdownNotCheckedFirstId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method ||
                method.ParameterList.Parameters.Count != 1)
            {
                continue;
            }

            string snapshot = diagnostic.Properties.TryGetValue(DiagnosticDescriptors.SnapshotProperty, out string? name) && name is not null
                ? name
                : method.ParameterList.Parameters[0].Identifier.Text;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Check {snapshot}.ShutdownRequested first (Remove)",
                    ct => AddCheckAsync(context.Document, method, snapshot, ct),
                    equivalenceKey: DiagnosticDescriptors.ShutdownNotCheckedFirstId),
                diagnostic);
        }
    }

    private static async Task<Document> AddCheckAsync(Document document, MethodDeclarationSyntax method, string snapshot, CancellationToken ct)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        string parameter = SyntaxFacts.GetKeywordKind(snapshot) != SyntaxKind.None ? "@" + snapshot : snapshot;
        MethodDeclarationSyntax updated;
        if (method.ExpressionBody is { } arrow)
        {
            ExpressionSyntax original = arrow.Expression;
            ExpressionSyntax wrapped = SyntaxFactory.ParseExpression(
                    $"{parameter}.ShutdownRequested ? Remove({Reason}) : {Parenthesize(original).WithoutLeadingTrivia().ToFullString()}")
                .WithLeadingTrivia(original.GetLeadingTrivia());
            updated = method.WithExpressionBody(arrow.WithExpression(wrapped));
        }
        else if (method.Body is { } body)
        {
            StatementSyntax check = SyntaxFactory.ParseStatement(
                    $"if ({parameter}.ShutdownRequested)\n{{\n    return Remove({Reason});\n}}\n")
                .WithAdditionalAnnotations(Formatter.Annotation);
            updated = method.WithBody(body.WithStatements(body.Statements.Insert(0, check)));
        }
        else
        {
            return document;
        }

        return document.WithSyntaxRoot(root.ReplaceNode(method, updated));
    }

    /// <summary>The false branch of a conditional binds tighter than assignments and lambdas: keep those whole.</summary>
    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
        expression is AssignmentExpressionSyntax or LambdaExpressionSyntax
            ? SyntaxFactory.ParenthesizedExpression(expression.WithoutTrivia()).WithTriviaFrom(expression)
            : expression;
}
