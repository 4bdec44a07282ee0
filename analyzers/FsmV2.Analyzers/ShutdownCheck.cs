using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV008: a (non-terminal) state looks at <c>ShutdownRequested</c> before anything else decides. "First" is the
/// first decision of the body:
/// <list type="bullet">
/// <item>an expression body, or the expression of a first <c>return</c>: a conditional <c>c ? a : b</c> whose
/// condition reads <c>ShutdownRequested</c>; a switch expression whose subject or first arm reads it; a call to
/// <c>Remove</c>/<c>Restart</c>; or a call to any other method (a helper) that receives the snapshot or reads it.
/// A bare <c>Goto</c>/<c>Stay</c>/<c>Do</c> is reported;</item>
/// <item>in a block: local declarations and expression statements before the first decision are skipped (a local
/// that reads <c>ShutdownRequested</c> counts as the check); the first <c>if</c> must test it in its condition,
/// the first <c>switch</c> in its subject or first section; a first <c>return</c> follows the expression rule.</item>
/// </list>
/// Anything else (a throw, a loop, a try block, other kinds of expressions) is not judged, so the rule stays quiet
/// rather than guess. "Reads ShutdownRequested" means the Snapshot property appears anywhere in that condition
/// (<c>s.ShutdownRequested || x</c> and <c>s is { ShutdownRequested: true }</c> both count).
/// </summary>
internal static class ShutdownCheck
{
    public static void Run(StateMethodAnalyzer.StateScope scope, MethodDeclarationSyntax declaration)
    {
        SyntaxNode? unchecked_ = null;
        if (declaration.ExpressionBody is { } arrow)
        {
            unchecked_ = Unchecked(scope, arrow.Expression);
        }
        else if (declaration.Body is { } block)
        {
            unchecked_ = Unchecked(scope, block);
        }

        if (unchecked_ is not null)
        {
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
                .Add(DiagnosticDescriptors.SnapshotProperty, scope.Snapshot.Name);
            scope.Context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ShutdownNotCheckedFirst, unchecked_.GetLocation(), properties, scope.State.Name, scope.Worker.Name, scope.Snapshot.Name));
        }
    }

    /// <summary>The first decision of <paramref name="block"/> when it does not read ShutdownRequested; otherwise null.</summary>
    private static SyntaxNode? Unchecked(StateMethodAnalyzer.StateScope scope, BlockSyntax block)
    {
        foreach (StatementSyntax statement in block.Statements)
        {
            switch (statement)
            {
                case LocalDeclarationStatementSyntax or ExpressionStatementSyntax:
                    if (ReadsShutdown(scope, statement))
                    {
                        return null;
                    }

                    continue;
                case LocalFunctionStatementSyntax or EmptyStatementSyntax:
                    continue;
                case IfStatementSyntax ifStatement:
                    return ReadsShutdown(scope, ifStatement.Condition) ? null : ifStatement.Condition;
                case SwitchStatementSyntax switchStatement:
                    return ReadsShutdown(scope, switchStatement.Expression) ||
                        (switchStatement.Sections.Count > 0 && ReadsShutdown(scope, switchStatement.Sections[0]))
                        ? null
                        : switchStatement.Expression;
                case ReturnStatementSyntax { Expression: { } expression }:
                    return Unchecked(scope, expression);
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>The expression when, as a first decision, it does not read ShutdownRequested; otherwise null.</summary>
    private static SyntaxNode? Unchecked(StateMethodAnalyzer.StateScope scope, ExpressionSyntax expression)
    {
        expression = StateMethodAnalyzer.Unparenthesize(expression);
        switch (expression)
        {
            case ConditionalExpressionSyntax conditional:
                return ReadsShutdown(scope, conditional.Condition) ? null : conditional.Condition;
            case SwitchExpressionSyntax switchExpression:
                return ReadsShutdown(scope, switchExpression.GoverningExpression) ||
                    (switchExpression.Arms.Count > 0 && ReadsShutdown(scope, switchExpression.Arms[0]))
                    ? null
                    : switchExpression.GoverningExpression;
            case InvocationExpressionSyntax invocation:
                IMethodSymbol? target = scope.InvokedMethod(invocation);
                if (target is null)
                {
                    return null; // Not bound (half-typed code): no opinion.
                }

                if (WorkerSymbols.IsGeneratedHelper(target, scope.Worker, "Goto") ||
                    WorkerSymbols.IsGeneratedHelper(target, scope.Worker, "Stay") ||
                    WorkerSymbols.IsGeneratedHelper(target, scope.Worker, "Do"))
                {
                    return ReadsShutdown(scope, invocation) ? null : invocation;
                }

                if (WorkerSymbols.IsGeneratedHelper(target, scope.Worker, "Remove") ||
                    WorkerSymbols.IsGeneratedHelper(target, scope.Worker, "Restart"))
                {
                    return null;
                }

                return PassesSnapshot(scope, invocation) || ReadsShutdown(scope, invocation) ? null : invocation;
            default:
                return null;
        }
    }

    private static bool ReadsShutdown(StateMethodAnalyzer.StateScope scope, SyntaxNode node)
    {
        foreach (SyntaxNode descendant in node.DescendantNodesAndSelf())
        {
            if (descendant is IdentifierNameSyntax { Identifier.ValueText: "ShutdownRequested" } name &&
                scope.Model.GetSymbolInfo(name, scope.CancellationToken).Symbol is IPropertySymbol { ContainingType: { } owner } &&
                SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, scope.Symbols.Snapshot))
            {
                return true;
            }
        }

        return false;
    }

    private static bool PassesSnapshot(StateMethodAnalyzer.StateScope scope, InvocationExpressionSyntax invocation)
    {
        foreach (ArgumentSyntax argument in invocation.ArgumentList.Arguments)
        {
            if (StateMethodAnalyzer.Unparenthesize(argument.Expression) is IdentifierNameSyntax identifier &&
                SymbolEqualityComparer.Default.Equals(scope.Model.GetSymbolInfo(identifier, scope.CancellationToken).Symbol, scope.Snapshot))
            {
                return true;
            }
        }

        return false;
    }
}
