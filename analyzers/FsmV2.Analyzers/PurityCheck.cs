using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV007: a state is a pure function of its snapshot. Reported, each at the offending expression: an await; a
/// write to a field or property (plain or compound assignment, ++/--, passing it by ref or out, as
/// <c>Interlocked.Increment(ref _count)</c> does); and a use of a known API that does I/O, blocks, schedules work
/// or reads the clock or a random source. Helper methods of the same worker that the state calls (declared in the
/// same file, up to <see cref="MaxHelperDepth"/> calls deep) are checked too; an impure helper is reported once,
/// at the state's call, naming the helper and its first problem.
/// </summary>
internal static class PurityCheck
{
    /// <summary>How deep calls into helper methods are followed.</summary>
    public const int MaxHelperDepth = 4;

    public static void Run(StateMethodAnalyzer.StateScope scope, SyntaxNode body, IMethodSymbol state)
    {
        // What each helper was found to do (null: pure); the state itself is there so recursion stops.
        var helpers = new Dictionary<IMethodSymbol, string?>(SymbolEqualityComparer.Default) { [state] = null };
        foreach ((string problem, SyntaxNode where) in Find(scope, body, helpers, 0))
        {
            scope.Context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ImpureState, where.GetLocation(), scope.State.Name, scope.Worker.Name, problem));
        }
    }

    private static IEnumerable<(string Problem, SyntaxNode Where)> Find(
        StateMethodAnalyzer.StateScope scope, SyntaxNode body, Dictionary<IMethodSymbol, string?> helpers, int depth)
    {
        foreach (SyntaxNode node in body.DescendantNodesAndSelf())
        {
            scope.CancellationToken.ThrowIfCancellationRequested();
            string? problem = null;
            SyntaxNode where = node;
            switch (node)
            {
                case AwaitExpressionSyntax:
                    problem = "awaits";
                    break;
                case ForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } forEach:
                    problem = "awaits (await foreach)";
                    where = forEach.Expression;
                    break;
                case AssignmentExpressionSyntax assignment when assignment.Parent is not InitializerExpressionSyntax:
                    problem = DescribeWrite(scope, assignment.Left);
                    where = assignment;
                    break;
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix:
                    problem = DescribeWrite(scope, prefix.Operand);
                    break;
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix:
                    problem = DescribeWrite(scope, postfix.Operand);
                    break;
                case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument:
                    problem = DescribeWrite(scope, argument.Expression) is { } write ? $"passes by reference and so {write}" : null;
                    where = argument.Expression;
                    break;
                case BaseObjectCreationExpressionSyntax creation:
                    if (scope.Model.GetSymbolInfo(creation, scope.CancellationToken).Symbol is IMethodSymbol constructor &&
                        DescribeApi(constructor.ContainingType, ".ctor") is { } reason)
                    {
                        problem = $"creates '{constructor.ContainingType.ToDisplayString()}', which {reason}";
                    }

                    break;
                case InvocationExpressionSyntax invocation when depth < MaxHelperDepth:
                    if (scope.InvokedMethod(invocation) is { } helper && scope.IsHelper(helper) &&
                        HelperProblem(scope, helper, body.SyntaxTree, helpers, depth + 1) is { } inHelper)
                    {
                        problem = $"calls '{helper.Name}', which {inHelper}";
                    }

                    break;
                case SimpleNameSyntax name:
                    (problem, where) = DescribeUse(scope, name);
                    break;
            }

            if (problem is not null)
            {
                yield return (problem, where);
            }
        }
    }

    /// <summary>The first problem in <paramref name="helper"/>'s body (or in the helpers it calls), or null.</summary>
    private static string? HelperProblem(
        StateMethodAnalyzer.StateScope scope, IMethodSymbol helper, SyntaxTree tree, Dictionary<IMethodSymbol, string?> helpers, int depth)
    {
        if (helpers.TryGetValue(helper, out string? known))
        {
            return known;
        }

        helpers[helper] = null; // while it is being checked: a recursive call adds nothing
        string? found = null;
        foreach (SyntaxNode helperBody in scope.SameFileBodies(helper, tree))
        {
            foreach ((string problem, _) in Find(scope, helperBody, helpers, depth))
            {
                found = problem;
                break;
            }

            if (found is not null)
            {
                break;
            }
        }

        helpers[helper] = found;
        return found;
    }

    /// <summary>What writing <paramref name="target"/> changes, or null when it only changes a local.</summary>
    private static string? DescribeWrite(StateMethodAnalyzer.StateScope scope, ExpressionSyntax target)
    {
        target = StateMethodAnalyzer.Unparenthesize(target);
        if (target is TupleExpressionSyntax tuple)
        {
            foreach (ArgumentSyntax element in tuple.Arguments)
            {
                if (DescribeWrite(scope, element.Expression) is { } write)
                {
                    return write;
                }
            }

            return null;
        }

        if (target is DeclarationExpressionSyntax)
        {
            return null; // out var x: a new local.
        }

        ISymbol? symbol = scope.Model.GetSymbolInfo(target, scope.CancellationToken).Symbol;
        switch (symbol)
        {
            case IFieldSymbol field:
                return $"writes field '{field.Name}'";
            case IPropertySymbol { IsIndexer: true }:
                return "writes through an indexer";
            case IPropertySymbol property:
                return $"writes property '{property.Name}'";
            case IEventSymbol @event:
                return $"changes event '{@event.Name}'";
        }

        if (target is ElementAccessExpressionSyntax elementAccess &&
            scope.Model.GetSymbolInfo(elementAccess.Expression, scope.CancellationToken).Symbol is IFieldSymbol or IPropertySymbol)
        {
            return "writes an element of a field or property";
        }

        return null;
    }

    /// <summary>A member use (method, property or field) of a known impure API, reported at its whole expression.</summary>
    private static (string? Problem, SyntaxNode Where) DescribeUse(StateMethodAnalyzer.StateScope scope, SimpleNameSyntax name)
    {
        ISymbol? symbol = scope.Model.GetSymbolInfo(name, scope.CancellationToken).Symbol;
        if (symbol is not (IMethodSymbol or IPropertySymbol or IFieldSymbol) || symbol.ContainingType is not { } type)
        {
            return (null, name);
        }

        if (symbol is IMethodSymbol { ReducedFrom: { } reduced })
        {
            type = reduced.ContainingType;
        }

        string? reason = DescribeApi(type, symbol.Name);
        if (reason is null)
        {
            return (null, name);
        }

        SyntaxNode where = name;
        if (where.Parent is MemberAccessExpressionSyntax access && access.Name == where)
        {
            if (StateMethodAnalyzer.Unparenthesize(access.Expression) is BaseObjectCreationExpressionSyntax)
            {
                return (null, name); // new Random().Next(): the creation is the one report.
            }

            where = access;
        }

        if (where.Parent is InvocationExpressionSyntax invocation && invocation.Expression == where)
        {
            where = invocation;
        }

        return ($"uses '{type.OriginalDefinition.ToDisplayString()}.{symbol.Name}', which {reason}", where);
    }

    /// <summary>Why <paramref name="member"/> of <paramref name="type"/> has no place in a state; null when it is harmless.</summary>
    private static string? DescribeApi(INamedTypeSymbol type, string member)
    {
        string ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
        string name = type.OriginalDefinition.ToDisplayString();

        if (ns == "System.Net" || ns.StartsWith("System.Net.", StringComparison.Ordinal))
        {
            return "does network I/O";
        }

        if (ns == "System.IO" && (name is "System.IO.File" or "System.IO.Directory" or "System.IO.FileInfo" or "System.IO.DirectoryInfo" or "System.IO.FileSystemInfo" or "System.IO.DriveInfo" ||
            DerivesFrom(type, "System.IO.Stream") || DerivesFrom(type, "System.IO.TextReader") || DerivesFrom(type, "System.IO.TextWriter")))
        {
            return "does I/O";
        }

        switch (name)
        {
            case "System.Console":
                return "does I/O";
            case "System.Threading.Thread" when member == "Sleep":
                return "blocks the tick";
            case "System.Threading.Tasks.Task" when member is "Delay" or "Run" or "Wait" or "WaitAll" or "WaitAny" or "Factory":
            case "System.Threading.Tasks.Task<TResult>" when member is "Result" or "Wait":
            case "System.Threading.Tasks.ValueTask<TResult>" when member == "Result":
                return "blocks or schedules work off the tick";
            case "System.DateTime" or "System.DateTimeOffset" when member is "Now" or "UtcNow" or "Today":
                return "reads the wall clock (use the snapshot's Now)";
            case "System.Guid" when member == "NewGuid":
            case "System.Random":
                return "is not deterministic";
        }

        return null;
    }

    private static bool DerivesFrom(INamedTypeSymbol type, string baseName)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.ToDisplayString() == baseName)
            {
                return true;
            }
        }

        return false;
    }
}
