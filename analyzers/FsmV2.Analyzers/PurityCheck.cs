using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV007: a state is a pure function of its snapshot. Reported once per offending expression, at that expression:
/// an await; a write to a field or property (plain or compound assignment, ++/--, passing it by ref or out, as
/// <c>Interlocked.Increment(ref _count)</c> does); a write through an indexer, or a call of a mutating collection
/// method (<c>Add</c>, <c>Remove</c>, <c>Clear</c>, …), on a collection reached through a field or property (a
/// collection held in a local is the state's own); and a use of an API that does I/O, blocks, schedules work or
/// reads a clock or a random source (the rules are in <see cref="DescribeApi"/>). Helper methods the state calls
/// are followed wherever they are declared (see <see cref="WorkerSymbols.FollowedHelper"/>), to any depth; each
/// helper's verdict is computed once per compilation, and recursion adds nothing. An impure helper is reported
/// once, at the state's call, naming the helper and its first problem.
/// </summary>
internal static class PurityCheck
{
    /// <summary>Mutating methods of the collections of System.Collections (the immutable ones return a new collection instead).</summary>
    private static readonly HashSet<string> MutatingMethods = new(StringComparer.Ordinal)
    {
        "Add", "AddFirst", "AddLast", "AddRange", "AddOrUpdate", "Clear", "Dequeue", "Enqueue", "GetOrAdd", "Insert",
        "InsertRange", "Pop", "Push", "Remove", "RemoveAll", "RemoveAt", "RemoveFirst", "RemoveLast", "RemoveRange",
        "RemoveWhere", "Reverse", "Set", "Sort", "TryAdd", "TryDequeue", "TryPop", "TryRemove", "TryTake", "TryUpdate",
        "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith", "TrimExcess", "EnsureCapacity",
    };

    public static void Run(StateMethodAnalyzer.StateScope scope, SyntaxNode body, IMethodSymbol state)
    {
        var inProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { state.OriginalDefinition };
        foreach ((string problem, SyntaxNode where) in Find(scope, body, scope.Model, inProgress, out _))
        {
            scope.Context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.ImpureState, where.GetLocation(), scope.State.Name, scope.Worker.Name, problem));
        }
    }

    /// <summary>
    /// The problems in <paramref name="body"/>; <paramref name="partial"/> is set when a helper in
    /// <paramref name="inProgress"/> (a recursive call) was taken as pure, so the answer must not be cached.
    /// </summary>
    private static List<(string Problem, SyntaxNode Where)> Find(
        StateMethodAnalyzer.StateScope scope, SyntaxNode body, SemanticModel model, HashSet<IMethodSymbol> inProgress, out bool partial)
    {
        partial = false;
        var found = new List<(string Problem, SyntaxNode Where)>();
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
                    problem = DescribeWrite(scope, model, assignment.Left);
                    where = assignment;
                    break;
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix:
                    problem = DescribeWrite(scope, model, prefix.Operand);
                    break;
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } postfix:
                    problem = DescribeWrite(scope, model, postfix.Operand);
                    break;
                case ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument:
                    problem = DescribeWrite(scope, model, argument.Expression) is { } write ? $"passes by reference and so {write}" : null;
                    where = argument.Expression;
                    break;
                case BaseObjectCreationExpressionSyntax creation:
                    if (model.GetSymbolInfo(creation, scope.CancellationToken).Symbol is IMethodSymbol constructor &&
                        DescribeApi(constructor.ContainingType, ".ctor") is { } reason)
                    {
                        problem = $"creates '{constructor.ContainingType.ToDisplayString()}', which {reason}";
                    }

                    break;
                case InvocationExpressionSyntax invocation:
                    IMethodSymbol? called = model.GetSymbolInfo(invocation, scope.CancellationToken).Symbol as IMethodSymbol;
                    problem = DescribeMutatingCall(scope, model, invocation, called);
                    if (problem is null && scope.Symbols.FollowedHelper(called, scope.Worker) is { } helper)
                    {
                        problem = HelperProblem(scope, helper, model, inProgress, ref partial) is { } inHelper
                            ? $"calls '{helper.Name}', which {inHelper}"
                            : null;
                    }

                    break;
                case SimpleNameSyntax name:
                    (problem, where) = DescribeUse(scope, model, name);
                    break;
            }

            if (problem is not null)
            {
                found.Add((problem, where));
            }
        }

        return found;
    }

    /// <summary>The first problem in <paramref name="helper"/>'s bodies (or in the helpers it calls), or null.</summary>
    private static string? HelperProblem(
        StateMethodAnalyzer.StateScope scope, IMethodSymbol helper, SemanticModel current, HashSet<IMethodSymbol> inProgress, ref bool partial)
    {
        if (scope.Symbols.PurityVerdicts.TryGetValue(helper, out string? known))
        {
            return known;
        }

        if (!inProgress.Add(helper))
        {
            partial = true; // a recursive call: what the helper does is being found out further up
            return null;
        }

        string? found = null;
        bool helperPartial = false;
        foreach ((SyntaxNode body, SemanticModel model) in scope.Symbols.BodiesOf(helper, current, scope.CancellationToken))
        {
            List<(string Problem, SyntaxNode Where)> problems = Find(scope, body, model, inProgress, out bool bodyPartial);
            helperPartial |= bodyPartial;
            if (problems.Count > 0)
            {
                found = problems[0].Problem;
                break;
            }
        }

        inProgress.Remove(helper);
        if (found is not null || !helperPartial)
        {
            scope.Symbols.PurityVerdicts.TryAdd(helper, found); // a found problem stands whatever recursion follows
        }

        partial |= helperPartial && found is null;
        return found;
    }

    /// <summary>What writing <paramref name="target"/> changes, or null when it only changes a local.</summary>
    private static string? DescribeWrite(StateMethodAnalyzer.StateScope scope, SemanticModel model, ExpressionSyntax target)
    {
        target = StateMethodAnalyzer.Unparenthesize(target);
        if (target is TupleExpressionSyntax tuple)
        {
            foreach (ArgumentSyntax element in tuple.Arguments)
            {
                if (DescribeWrite(scope, model, element.Expression) is { } write)
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

        if (target is ElementAccessExpressionSyntax elementAccess)
        {
            // counts["checks"]++ on a dictionary the state made is its own business; one reached through a field is not.
            return ReachesShared(scope, model, elementAccess.Expression) is { } owner ? $"writes an element of '{owner}'" : null;
        }

        ISymbol? symbol = model.GetSymbolInfo(target, scope.CancellationToken).Symbol;
        return symbol switch
        {
            IFieldSymbol field => $"writes field '{field.Name}'",
            IPropertySymbol property => $"writes property '{property.Name}'",
            IEventSymbol @event => $"changes event '{@event.Name}'",
            _ => null,
        };
    }

    /// <summary>
    /// The field or property through which <paramref name="receiver"/> is reached (<c>History</c>,
    /// <c>s.Observed.Items</c>, <c>_grid[0]</c>), or null when it is a local, a parameter or a computed value.
    /// </summary>
    private static string? ReachesShared(StateMethodAnalyzer.StateScope scope, SemanticModel model, ExpressionSyntax receiver)
    {
        while (true)
        {
            receiver = StateMethodAnalyzer.Unparenthesize(receiver);
            switch (model.GetSymbolInfo(receiver, scope.CancellationToken).Symbol)
            {
                case IFieldSymbol field:
                    return field.Name;
                case IPropertySymbol { IsIndexer: false } property:
                    return property.Name;
                case IPropertySymbol when receiver is ElementAccessExpressionSyntax element:
                    receiver = element.Expression;
                    continue;
                default:
                    return null;
            }
        }
    }

    /// <summary>A call like <c>History.Add(x)</c>: a mutating method of a collection reached through a field or property.</summary>
    private static string? DescribeMutatingCall(StateMethodAnalyzer.StateScope scope, SemanticModel model, InvocationExpressionSyntax invocation, IMethodSymbol? called)
    {
        if (called is null || called.IsStatic || !MutatingMethods.Contains(called.Name) ||
            invocation.Expression is not MemberAccessExpressionSyntax access ||
            called.ContainingType?.ContainingNamespace?.ToDisplayString() is not { } ns ||
            !(ns == "System.Collections" || ns.StartsWith("System.Collections.", StringComparison.Ordinal)) ||
            ns.StartsWith("System.Collections.Immutable", StringComparison.Ordinal))
        {
            return null;
        }

        return ReachesShared(scope, model, access.Expression) is { } owner
            ? $"changes '{owner}' with '{called.ContainingType.Name}.{called.Name}'"
            : null;
    }

    /// <summary>
    /// A member use (method, property or field) of an impure API, reported at its whole expression; in a chain
    /// (<c>Random.Shared.Next(…)</c>) only the outermost impure member is reported, so the chain is one report.
    /// </summary>
    private static (string? Problem, SyntaxNode Where) DescribeUse(StateMethodAnalyzer.StateScope scope, SemanticModel model, SimpleNameSyntax name)
    {
        ISymbol? symbol = model.GetSymbolInfo(name, scope.CancellationToken).Symbol;
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

        if (where.Parent is MemberAccessExpressionSyntax outer && outer.Expression == where &&
            DescribeUse(scope, model, outer.Name).Problem is not null)
        {
            return (null, name); // Random.Shared.Next(…): the outer member is the one report.
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

        if (member is "Wait" or "WaitOne" or "WaitAll" or "WaitAny" or "SignalAndWait" or "Join" or "Sleep" or "SpinUntil" &&
            (ns is "System.Threading" or "System.Threading.Tasks"))
        {
            return "blocks the tick";
        }

        if (ns == "System.Runtime.CompilerServices" && member == "GetResult")
        {
            return "blocks the tick (GetAwaiter().GetResult() waits for the task)";
        }

        switch (name)
        {
            case "System.Console":
                return "does I/O";
            case "System.Environment" when member is "TickCount" or "TickCount64":
            case "System.Diagnostics.Stopwatch":
            case "System.TimeProvider":
                return "reads a clock or counter (use the snapshot's Now)";
            case "System.Security.Cryptography.RandomNumberGenerator":
                return "is not deterministic";
            case "System.Threading.Tasks.Task" when member is "Delay" or "Run" or "Factory":
            case "System.Threading.Tasks.Task<TResult>" when member == "Result":
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
