using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV008: a (non-terminal) state looks at <c>ShutdownRequested</c> before anything else decides. "First" is the
/// first decision of the body:
/// <list type="bullet">
/// <item>an expression body, or the expression of a first <c>return</c>: a conditional <c>c ? a : b</c> whose
/// condition checks shutdown; a switch expression whose subject or first arm checks it; a call to
/// <c>Remove</c>/<c>Restart</c>; or a call to any other method (a helper) that receives the snapshot or reads it.
/// A bare <c>Goto</c>/<c>Stay</c>/<c>Do</c> is reported;</item>
/// <item>in a block: local declarations and expression statements before the first decision are skipped (a local
/// that reads <c>ShutdownRequested</c>, or a <c>bool</c> local set by a helper that receives the snapshot, counts as
/// the check); a nested block or a <c>try</c> block is entered; the first <c>if</c> must check it in its condition,
/// the first <c>switch</c> in its subject or first section; a first <c>return</c> follows the expression rule.</item>
/// </list>
/// Anything else (a throw, a loop, other kinds of expressions) is not judged, so the rule stays quiet rather than
/// guess. A condition "checks shutdown" when the Snapshot property appears anywhere in it
/// (<c>s.ShutdownRequested || x</c> and <c>s is { ShutdownRequested: true }</c> both count) or when it calls a
/// helper (generic or not) that receives the snapshot (<c>Leaving(in s) ? … : …</c>).
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
    private static SyntaxNode? Unchecked(StateMethodAnalyzer.StateScope scope, BlockSyntax block) => Scan(scope, block, out _);

    /// <summary>
    /// Like <see cref="Unchecked(StateMethodAnalyzer.StateScope, BlockSyntax)"/>; <paramref name="decided"/> is false
    /// when the block ends without a first decision, so the statements after an enclosing <c>try</c> or block are next.
    /// </summary>
    private static SyntaxNode? Scan(StateMethodAnalyzer.StateScope scope, BlockSyntax block, out bool decided)
    {
        decided = true;
        foreach (StatementSyntax statement in block.Statements)
        {
            switch (statement)
            {
                case LocalDeclarationStatementSyntax local when Checks(scope, local, ChecksViaHelper(scope, local)):
                case ExpressionStatementSyntax expressionStatement when ReadsShutdown(scope, expressionStatement):
                    return null;
                case LocalDeclarationStatementSyntax or ExpressionStatementSyntax or LocalFunctionStatementSyntax or EmptyStatementSyntax:
                    continue;
                case BlockSyntax or TryStatementSyntax:
                    SyntaxNode? inner = Scan(scope, statement as BlockSyntax ?? ((TryStatementSyntax)statement).Block, out bool innerDecided);
                    if (innerDecided)
                    {
                        return inner;
                    }

                    continue;
                case IfStatementSyntax ifStatement:
                    return Checks(scope, ifStatement.Condition) ? null : ifStatement.Condition;
                case SwitchStatementSyntax switchStatement:
                    return Checks(scope, switchStatement.Expression) ||
                        (switchStatement.Sections.Count > 0 &&
                         (ReadsShutdown(scope, switchStatement.Sections[0]) || Checks(scope, switchStatement.Sections[0].Labels)))
                        ? null
                        : switchStatement.Expression;
                case ReturnStatementSyntax { Expression: { } expression }:
                    return Unchecked(scope, expression);
                default:
                    return null;
            }
        }

        decided = false;
        return null;
    }

    /// <summary>The expression when, as a first decision, it does not read ShutdownRequested; otherwise null.</summary>
    private static SyntaxNode? Unchecked(StateMethodAnalyzer.StateScope scope, ExpressionSyntax expression)
    {
        expression = StateMethodAnalyzer.Unparenthesize(expression);
        switch (expression)
        {
            case ConditionalExpressionSyntax conditional:
                return Checks(scope, conditional.Condition) ? null : conditional.Condition;
            case SwitchExpressionSyntax switchExpression:
                return Checks(scope, switchExpression.GoverningExpression) ||
                    (switchExpression.Arms.Count > 0 &&
                     (ReadsShutdown(scope, switchExpression.Arms[0]) || Checks(scope, switchExpression.Arms[0].Pattern) ||
                      (switchExpression.Arms[0].WhenClause is { } when && Checks(scope, when))))
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

    /// <summary>
    /// Whether a condition checks shutdown: it reads ShutdownRequested, or (when <paramref name="viaHelper"/>) calls a
    /// helper that receives the snapshot.
    /// </summary>
    private static bool Checks(StateMethodAnalyzer.StateScope scope, SyntaxNode condition, bool viaHelper = true)
    {
        if (ReadsShutdown(scope, condition))
        {
            return true;
        }

        if (viaHelper)
        {
            foreach (SyntaxNode node in condition.DescendantNodesAndSelf())
            {
                if (node is InvocationExpressionSyntax invocation && PassesSnapshot(scope, invocation))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Checks(StateMethodAnalyzer.StateScope scope, SyntaxList<SwitchLabelSyntax> labels)
    {
        foreach (SwitchLabelSyntax label in labels)
        {
            if (Checks(scope, label))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A bool local (<c>bool leaving = Leaving(in s);</c>) may hold a helper's verdict; a local of another type only a value.</summary>
    private static bool ChecksViaHelper(StateMethodAnalyzer.StateScope scope, LocalDeclarationStatementSyntax local) =>
        scope.Model.GetTypeInfo(local.Declaration.Type, scope.CancellationToken).Type?.SpecialType == SpecialType.System_Boolean;

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
