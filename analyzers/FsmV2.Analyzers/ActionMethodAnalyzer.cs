using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV012: an [Action] does not retry internally. A loop (for, foreach, while, do) is a retry loop when its body
/// awaits and has a try/catch (attempt, swallow, go round), or when it calls <c>Task.Delay</c> (attempt, back off,
/// go round). Reported once, on the keyword of the outermost such loop.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ActionMethodAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ActionRetryLoop);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            WorkerSymbols? symbols = WorkerSymbols.TryCreate(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            start.RegisterSyntaxNodeAction(node => AnalyzeMethod(node, symbols), SyntaxKind.MethodDeclaration);
        });
    }

    private static void AnalyzeMethod(SyntaxNodeAnalysisContext context, WorkerSymbols symbols)
    {
        var declaration = (MethodDeclarationSyntax)context.Node;
        if (declaration.AttributeLists.Count == 0 ||
            ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not { } body ||
            context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not { ContainingType: { } worker } method ||
            WorkerSymbols.Find(method.GetAttributes(), symbols.Action) is null ||
            !symbols.IsAcceptedWorker(worker, context.CancellationToken))
        {
            return;
        }

        // Outermost loops only: a loop nested in a retry loop is part of it, and one that is not in a retry loop
        // cannot be one either (it holds less).
        foreach (SyntaxNode node in body.DescendantNodes(descendIntoChildren: n => !IsLoop(n)))
        {
            if (!IsLoop(node))
            {
                continue;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            string? why = RetryShape(context, node);
            if (why is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ActionRetryLoop, LoopKeyword(node).GetLocation(), method.Name, worker.Name, why));
            }
        }
    }

    private static string? RetryShape(SyntaxNodeAnalysisContext context, SyntaxNode loop)
    {
        bool awaits = false;
        bool catches = false;
        foreach (SyntaxNode node in loop.DescendantNodes())
        {
            switch (node)
            {
                case AwaitExpressionSyntax:
                    awaits = true;
                    break;
                case TryStatementSyntax { Catches.Count: > 0 }:
                    catches = true;
                    break;
                case InvocationExpressionSyntax invocation when
                    context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken).Symbol is IMethodSymbol { Name: "Delay" } delay &&
                    delay.ContainingType?.ToDisplayString() == "System.Threading.Tasks.Task":
                    return "it waits with Task.Delay between rounds";
            }
        }

        return awaits && catches ? "it awaits inside try/catch and goes round again" : null;
    }

    private static bool IsLoop(SyntaxNode node) =>
        node is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax;

    private static SyntaxToken LoopKeyword(SyntaxNode loop) => loop switch
    {
        ForStatementSyntax f => f.ForKeyword,
        CommonForEachStatementSyntax f => f.ForEachKeyword,
        WhileStatementSyntax w => w.WhileKeyword,
        DoStatementSyntax d => d.DoKeyword,
        _ => loop.GetFirstToken(),
    };
}
