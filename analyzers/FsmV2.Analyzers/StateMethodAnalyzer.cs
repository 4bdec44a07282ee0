using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FsmV2.Analyzers;

/// <summary>
/// Rules about the body of a [State] method: FSMV001 (Goto to an undeclared state), FSMV007 (not pure), FSMV008
/// (shutdown not checked first) and FSMV009 (a stopping state that can stay). Only states the generator accepts
/// are checked (a valid signature on an accepted worker), so a broken declaration yields its one generator error.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StateMethodAnalyzer : DiagnosticAnalyzer
{
    /// <summary>How deep FSMV001/FSMV009 follow calls into helper methods of the same worker (as FSMV007 does).</summary>
    private const int MaxHelperDepth = PurityCheck.MaxHelperDepth;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.IllegalTransition,
        DiagnosticDescriptors.ImpureState,
        DiagnosticDescriptors.ShutdownNotCheckedFirst,
        DiagnosticDescriptors.StoppingStateCanStay);

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
        CancellationToken ct = context.CancellationToken;
        if (declaration.AttributeLists.Count == 0 ||
            context.SemanticModel.GetDeclaredSymbol(declaration, ct) is not { ContainingType: { } worker } method ||
            symbols.ReadState(method) is not { } state ||
            !symbols.HasStateSignature(method) ||
            !symbols.IsAcceptedWorker(worker, ct))
        {
            return;
        }

        SyntaxNode? body = BodyOf(declaration);
        if (body is null)
        {
            return;
        }

        var scope = new StateScope(context, symbols, worker, state, method.Parameters[0]);
        scope.CheckDecisions(body, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method }, 0);
        PurityCheck.Run(scope, body, method);
        if (!state.Terminal)
        {
            ShutdownCheck.Run(scope, declaration);
        }
    }

    /// <summary>What the rules need while walking one state: the context, the worker and the state.</summary>
    internal sealed class StateScope
    {
        public StateScope(SyntaxNodeAnalysisContext context, WorkerSymbols symbols, INamedTypeSymbol worker, StateInfo state, IParameterSymbol snapshot)
        {
            Context = context;
            Symbols = symbols;
            Worker = worker;
            State = state;
            Snapshot = snapshot;
        }

        public SyntaxNodeAnalysisContext Context { get; }

        public SemanticModel Model => Context.SemanticModel;

        public CancellationToken CancellationToken => Context.CancellationToken;

        public WorkerSymbols Symbols { get; }

        public INamedTypeSymbol Worker { get; }

        public StateInfo State { get; }

        public IParameterSymbol Snapshot { get; }

        public IMethodSymbol? InvokedMethod(InvocationExpressionSyntax invocation) =>
            Model.GetSymbolInfo(invocation, CancellationToken).Symbol as IMethodSymbol;

        /// <summary>Whether <paramref name="method"/> is a helper of this worker: an ordinary method of it that is not a state.</summary>
        public bool IsHelper(IMethodSymbol method) =>
            SymbolEqualityComparer.Default.Equals(method.ContainingType, Worker) &&
            method.MethodKind == MethodKind.Ordinary &&
            WorkerSymbols.Find(method.GetAttributes(), Symbols.State) is null;

        /// <summary>
        /// The bodies of <paramref name="helper"/>'s declarations in <paramref name="tree"/>: only helpers in the
        /// file being analyzed are followed, because its semantic model is the one at hand.
        /// </summary>
        public IEnumerable<SyntaxNode> SameFileBodies(IMethodSymbol helper, SyntaxTree tree)
        {
            foreach (SyntaxReference reference in helper.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == tree &&
                    reference.GetSyntax(CancellationToken) is MethodDeclarationSyntax declaration &&
                    BodyOf(declaration) is { } body)
                {
                    yield return body;
                }
            }
        }

        /// <summary>
        /// FSMV001 and FSMV009 over <paramref name="node"/> and, best-effort, the helper methods of the same worker
        /// it calls (declared in the same file; a helper's Goto is judged against the calling state).
        /// </summary>
        public void CheckDecisions(SyntaxNode node, HashSet<IMethodSymbol> visited, int depth)
        {
            bool stopping = State.Phase == StateDeclaration.PhaseStopping && !State.Terminal;
            foreach (InvocationExpressionSyntax invocation in node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
            {
                CancellationToken.ThrowIfCancellationRequested();
                IMethodSymbol? target = InvokedMethod(invocation);
                if (target is null)
                {
                    continue;
                }

                if (WorkerSymbols.IsGeneratedHelper(target, Worker, "Goto"))
                {
                    CheckGoto(invocation);
                }
                else if (WorkerSymbols.IsGeneratedHelper(target, Worker, "Stay"))
                {
                    if (stopping)
                    {
                        Context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StoppingStateCanStay, invocation.GetLocation(), State.Name, Worker.Name));
                    }
                }
                else if (depth < MaxHelperDepth && IsHelper(target) && visited.Add(target))
                {
                    foreach (SyntaxNode helperBody in SameFileBodies(target, node.SyntaxTree))
                    {
                        CheckDecisions(helperBody, visited, depth + 1);
                    }
                }
            }
        }

        private void CheckGoto(InvocationExpressionSyntax invocation)
        {
            if (invocation.ArgumentList.Arguments.Count == 0)
            {
                return;
            }

            // Only a constant State.X member is judged: a Goto to a parameter or a computed state is not known here.
            ExpressionSyntax argument = Unparenthesize(invocation.ArgumentList.Arguments[0].Expression);
            if (argument is not MemberAccessExpressionSyntax ||
                Model.GetSymbolInfo(argument, CancellationToken).Symbol is not IFieldSymbol { ContainingType: { TypeKind: TypeKind.Enum, Name: "State" } stateEnum } field ||
                !SymbolEqualityComparer.Default.Equals(stateEnum.ContainingType, Worker))
            {
                return;
            }

            if (!State.Targets.Contains(field.Name))
            {
                string declared = State.Targets.Length == 0 ? "none" : string.Join(", ", State.Targets);
                ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
                    .Add(DiagnosticDescriptors.StateProperty, State.Name)
                    .Add(DiagnosticDescriptors.TargetProperty, field.Name);
                Context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.IllegalTransition, argument.GetLocation(), properties, State.Name, field.Name, declared));
            }
        }
    }

    /// <summary>A method's block, or the expression of its arrow body; null when it has neither.</summary>
    internal static SyntaxNode? BodyOf(BaseMethodDeclarationSyntax method) => (SyntaxNode?)method.Body ?? method.ExpressionBody?.Expression;

    internal static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }
}
