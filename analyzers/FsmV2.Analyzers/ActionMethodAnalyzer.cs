using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV012: an [Action] does not retry internally. A loop (for, foreach, while, do) is a retry loop when its body
/// awaits and has a try/catch (attempt, swallow, go round), or when it calls <c>Task.Delay</c> (attempt, back off,
/// go round). Reported once, on the keyword of the outermost such loop. Helpers the action calls (outside such a
/// loop) are followed wherever they are declared (<see cref="WorkerSymbols.FollowedHelper"/>), to any depth, each
/// judged once per compilation: a helper with a retry loop is reported at the action's call.
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
        var inProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method.OriginalDefinition };
        foreach ((SyntaxNode where, string why) in Find(symbols, worker, body, context.SemanticModel, inProgress, context.CancellationToken, out _))
        {
            Location location = where is InvocationExpressionSyntax ? where.GetLocation() : LoopKeyword(where).GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ActionRetryLoop, location, method.Name, worker.Name, why));
        }
    }

    /// <summary>The outermost retry loops of <paramref name="body"/> and the calls (outside them) of helpers that retry.</summary>
    private static List<(SyntaxNode Where, string Why)> Find(
        WorkerSymbols symbols, INamedTypeSymbol worker, SyntaxNode body, SemanticModel model, HashSet<IMethodSymbol> inProgress, CancellationToken ct, out bool partial)
    {
        partial = false;
        var found = new List<(SyntaxNode, string)>();
        foreach (SyntaxNode node in body.DescendantNodesAndSelf(descendIntoChildren: n => !(IsLoop(n) && RetryShape(model, n, ct) is not null)))
        {
            ct.ThrowIfCancellationRequested();
            if (IsLoop(node) && RetryShape(model, node, ct) is { } why)
            {
                found.Add((node, why));
            }
            else if (node is InvocationExpressionSyntax invocation &&
                     symbols.FollowedHelper(model.GetSymbolInfo(invocation, ct).Symbol as IMethodSymbol, worker) is { } helper &&
                     HelperVerdict(symbols, worker, helper, model, inProgress, ct, ref partial) is { } inHelper)
            {
                found.Add((invocation, $"it calls '{helper.Name}', which {inHelper}"));
            }
        }

        return found;
    }

    private static string? HelperVerdict(
        WorkerSymbols symbols, INamedTypeSymbol worker, IMethodSymbol helper, SemanticModel current, HashSet<IMethodSymbol> inProgress, CancellationToken ct, ref bool partial)
    {
        if (symbols.RetryVerdicts.TryGetValue(helper, out string? known))
        {
            return known;
        }

        if (!inProgress.Add(helper))
        {
            partial = true; // recursion: the helper is being judged further up
            return null;
        }

        string? verdict = null;
        bool helperPartial = false;
        foreach ((SyntaxNode body, SemanticModel model) in symbols.BodiesOf(helper, current, ct))
        {
            List<(SyntaxNode Where, string Why)> found = Find(symbols, worker, body, model, inProgress, ct, out bool bodyPartial);
            helperPartial |= bodyPartial;
            if (found.Count > 0)
            {
                (SyntaxNode where, string why) = found[0];
                verdict = where is InvocationExpressionSyntax ? why.Substring("it ".Length) : $"has a retry loop: {why}";
                break;
            }
        }

        inProgress.Remove(helper);
        if (verdict is not null || !helperPartial)
        {
            symbols.RetryVerdicts.TryAdd(helper, verdict);
        }

        partial |= helperPartial && verdict is null;
        return verdict;
    }

    private static string? RetryShape(SemanticModel model, SyntaxNode loop, CancellationToken ct)
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
                    model.GetSymbolInfo(invocation, ct).Symbol is IMethodSymbol { Name: "Delay" } delay &&
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
