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
        TransitionCheck.Run(scope, body, method);
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
