using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// What a method can hand to the generated <c>Goto</c> and <c>Stay</c>, whichever state calls it: the
/// <c>State</c> constants that can flow into a <c>Goto</c> target (each where it is written), the parameters of
/// the method that flow into one (judged at each call site with that call's arguments), and its <c>Stay</c> calls.
/// </summary>
internal sealed class TransitionFlow
{
    public TransitionFlow(
        ImmutableArray<(IFieldSymbol Target, Location Where)> targets,
        ImmutableArray<int> parameters,
        ImmutableArray<Location> stays,
        ImmutableArray<(IFieldSymbol Target, Location Where)> returnedTargets,
        ImmutableArray<int> returnedParameters)
    {
        Targets = targets;
        Parameters = parameters;
        Stays = stays;
        ReturnedTargets = returnedTargets;
        ReturnedParameters = returnedParameters;
    }

    public static TransitionFlow Empty { get; } = new(
        ImmutableArray<(IFieldSymbol, Location)>.Empty, ImmutableArray<int>.Empty, ImmutableArray<Location>.Empty,
        ImmutableArray<(IFieldSymbol, Location)>.Empty, ImmutableArray<int>.Empty);

    /// <summary>For a method that returns a <c>State</c>: the constants it can return (each where it is written).</summary>
    public ImmutableArray<(IFieldSymbol Target, Location Where)> ReturnedTargets { get; }

    /// <summary>For a method that returns a <c>State</c>: the ordinals of the parameters it can return.</summary>
    public ImmutableArray<int> ReturnedParameters { get; }

    public ImmutableArray<(IFieldSymbol Target, Location Where)> Targets { get; }

    /// <summary>The ordinals of the parameters whose value can become a Goto target.</summary>
    public ImmutableArray<int> Parameters { get; }

    public ImmutableArray<Location> Stays { get; }
}

/// <summary>
/// FSMV001 and FSMV009 over a state and every helper it reaches (<see cref="WorkerSymbols.FollowedHelper"/>), to
/// any depth. A Goto target is followed through parentheses, conditional (<c>c ? State.A : State.B</c>) and switch
/// expressions (every arm), locals (every value assigned to them in the method), parameters of helpers (each
/// call site's argument, judged the same way in the caller) and the return values of helpers that return a
/// <c>State</c> (every returned value, judged the same way). Anything else (a value read from the observation or a
/// field, a cast or arithmetic on the enum) is computed at run time and not judged.
/// Each method's summary is computed once per compilation; a recursive call adds nothing.
/// </summary>
internal static class TransitionCheck
{
    public static void Run(StateMethodAnalyzer.StateScope scope, SyntaxNode body, IMethodSymbol state)
    {
        var inProgress = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { state.OriginalDefinition };
        TransitionFlow flow = Summarize(scope, state, new[] { (body, scope.Model) }, inProgress, out _);
        var reported = new HashSet<Location>();
        foreach ((IFieldSymbol target, Location where) in flow.Targets)
        {
            if (!scope.State.Targets.Contains(target.Name) && reported.Add(where))
            {
                string declared = scope.State.Targets.Length == 0 ? "none" : string.Join(", ", scope.State.Targets);
                ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
                    .Add(DiagnosticDescriptors.StateProperty, scope.State.Name)
                    .Add(DiagnosticDescriptors.TargetProperty, target.Name);
                scope.Context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.IllegalTransition, where, properties, scope.State.Name, target.Name, declared));
            }
        }

        if (scope.State.Phase == StateDeclaration.PhaseStopping && !scope.State.Terminal)
        {
            foreach (Location stay in flow.Stays)
            {
                if (reported.Add(stay))
                {
                    scope.Context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.StoppingStateCanStay, stay, scope.State.Name, scope.Worker.Name));
                }
            }
        }
    }

    private static TransitionFlow FlowOf(StateMethodAnalyzer.StateScope scope, IMethodSymbol helper, SemanticModel current, HashSet<IMethodSymbol> inProgress, ref bool partial)
    {
        if (scope.Symbols.Flows.TryGetValue((scope.Worker, helper), out TransitionFlow? known))
        {
            return known;
        }

        if (!inProgress.Add(helper))
        {
            partial = true; // recursion: the helper's own summary is being made further up
            return TransitionFlow.Empty;
        }

        var bodies = new List<(SyntaxNode, SemanticModel)>(scope.Symbols.BodiesOf(helper, current, scope.CancellationToken));
        TransitionFlow flow = Summarize(scope, helper, bodies, inProgress, out bool helperPartial);
        inProgress.Remove(helper);
        if (!helperPartial)
        {
            scope.Symbols.Flows.TryAdd((scope.Worker, helper), flow);
        }

        partial |= helperPartial;
        return flow;
    }

    private static TransitionFlow Summarize(
        StateMethodAnalyzer.StateScope scope, IMethodSymbol method, IEnumerable<(SyntaxNode Body, SemanticModel Model)> bodies, HashSet<IMethodSymbol> inProgress, out bool partial)
    {
        bool touchedRecursion = false;
        TransitionFlow Flow(IMethodSymbol helper, SemanticModel model) => FlowOf(scope, helper, model, inProgress, ref touchedRecursion);

        var values = new Values(method, Flow);
        var returns = new Values(method, Flow);
        ImmutableArray<Location>.Builder stays = ImmutableArray.CreateBuilder<Location>();
        foreach ((SyntaxNode body, SemanticModel model) in bodies)
        {
            if (IsStateEnum(scope, method.ReturnType))
            {
                foreach (ExpressionSyntax returned in Returned(body))
                {
                    returns.Add(scope, model, body, returned);
                }
            }

            foreach (SyntaxNode node in body.DescendantNodesAndSelf())
            {
                scope.CancellationToken.ThrowIfCancellationRequested();
                if (node is not InvocationExpressionSyntax invocation ||
                    model.GetSymbolInfo(invocation, scope.CancellationToken).Symbol is not IMethodSymbol called)
                {
                    continue;
                }

                if (WorkerSymbols.IsGeneratedHelper(called, scope.Worker, "Goto"))
                {
                    if (invocation.ArgumentList.Arguments.Count > 0)
                    {
                        values.Add(scope, model, body, invocation.ArgumentList.Arguments[0].Expression);
                    }
                }
                else if (WorkerSymbols.IsGeneratedHelper(called, scope.Worker, "Stay"))
                {
                    stays.Add(invocation.GetLocation());
                }
                else if (scope.Symbols.FollowedHelper(called, scope.Worker) is { } helper)
                {
                    TransitionFlow flow = Flow(helper, model);
                    values.Targets.AddRange(flow.Targets);
                    stays.AddRange(flow.Stays);
                    foreach (int ordinal in flow.Parameters)
                    {
                        if (ArgumentFor(invocation, called, ordinal) is { } argument)
                        {
                            values.Add(scope, model, body, argument);
                        }
                    }
                }
            }
        }

        partial = touchedRecursion;
        return new TransitionFlow(
            values.Targets.ToImmutable(), values.Parameters.ToImmutable(), stays.ToImmutable(), returns.Targets.ToImmutable(), returns.Parameters.ToImmutable());
    }

    private static bool IsStateEnum(StateMethodAnalyzer.StateScope scope, ITypeSymbol? type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Enum, Name: "State" } stateEnum &&
        SymbolEqualityComparer.Default.Equals(stateEnum.ContainingType, scope.Worker);

    /// <summary>The expressions a method body returns: an arrow body, or each <c>return</c> not inside a lambda or local function.</summary>
    private static IEnumerable<ExpressionSyntax> Returned(SyntaxNode body)
    {
        if (body is ExpressionSyntax expression)
        {
            yield return expression;
            yield break;
        }

        foreach (SyntaxNode node in body.DescendantNodes(n => n == body || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is ReturnStatementSyntax { Expression: { } value })
            {
                yield return value;
            }
        }
    }

    /// <summary>The argument a call passes for the parameter at <paramref name="ordinal"/> (by position or by name), or null.</summary>
    private static ExpressionSyntax? ArgumentFor(InvocationExpressionSyntax invocation, IMethodSymbol called, int ordinal)
    {
        // An extension method called as x.M(…): x is its parameter 0.
        int offset = called.ReducedFrom is not null ? 1 : 0;
        if (offset == 1 && ordinal == 0)
        {
            return invocation.Expression is MemberAccessExpressionSyntax access ? access.Expression : null;
        }

        IMethodSymbol definition = called.ReducedFrom ?? called;
        if (ordinal >= definition.Parameters.Length)
        {
            return null;
        }

        string name = definition.Parameters[ordinal].Name;
        SeparatedSyntaxList<ArgumentSyntax> arguments = invocation.ArgumentList.Arguments;
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].NameColon is { } nameColon)
            {
                if (nameColon.Name.Identifier.ValueText == name)
                {
                    return arguments[i].Expression;
                }
            }
            else if (i + offset == ordinal && !definition.Parameters[ordinal].IsParams)
            {
                return arguments[i].Expression;
            }
        }

        return null;
    }

    /// <summary>The values found so far that can reach a Goto target in one method.</summary>
    private sealed class Values
    {
        private readonly IMethodSymbol _method;
        private readonly System.Func<IMethodSymbol, SemanticModel, TransitionFlow> _flowOf;
        private readonly HashSet<ISymbol> _localsSeen = new(SymbolEqualityComparer.Default);
        private readonly HashSet<int> _parametersSeen = new();

        public Values(IMethodSymbol method, System.Func<IMethodSymbol, SemanticModel, TransitionFlow> flowOf)
        {
            _method = method;
            _flowOf = flowOf;
        }

        public ImmutableArray<(IFieldSymbol Target, Location Where)>.Builder Targets { get; } = ImmutableArray.CreateBuilder<(IFieldSymbol, Location)>();

        public ImmutableArray<int>.Builder Parameters { get; } = ImmutableArray.CreateBuilder<int>();

        /// <summary>Adds what <paramref name="expression"/> (in <paramref name="body"/>) can evaluate to.</summary>
        public void Add(StateMethodAnalyzer.StateScope scope, SemanticModel model, SyntaxNode body, ExpressionSyntax expression)
        {
            expression = StateMethodAnalyzer.Unparenthesize(expression);
            switch (expression)
            {
                case ConditionalExpressionSyntax conditional:
                    Add(scope, model, body, conditional.WhenTrue);
                    Add(scope, model, body, conditional.WhenFalse);
                    return;
                case SwitchExpressionSyntax switchExpression:
                    foreach (SwitchExpressionArmSyntax arm in switchExpression.Arms)
                    {
                        Add(scope, model, body, arm.Expression);
                    }

                    return;
            }

            switch (model.GetSymbolInfo(expression, scope.CancellationToken).Symbol)
            {
                case IFieldSymbol { ContainingType: { TypeKind: TypeKind.Enum, Name: "State" } stateEnum } field
                    when SymbolEqualityComparer.Default.Equals(stateEnum.ContainingType, scope.Worker):
                    Targets.Add((field, expression.GetLocation()));
                    break;
                case IParameterSymbol parameter when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, _method.OriginalDefinition):
                    if (_parametersSeen.Add(parameter.Ordinal))
                    {
                        Parameters.Add(parameter.Ordinal);
                    }

                    break;
                case ILocalSymbol local when _localsSeen.Add(local):
                    AddLocal(scope, model, body, local);
                    break;
                case IMethodSymbol called when expression is InvocationExpressionSyntax invocation &&
                                               scope.Symbols.FollowedHelper(called, scope.Worker) is { } helper:
                    TransitionFlow flow = _flowOf(helper, model);
                    Targets.AddRange(flow.ReturnedTargets);
                    foreach (int ordinal in flow.ReturnedParameters)
                    {
                        if (ArgumentFor(invocation, called, ordinal) is { } argument)
                        {
                            Add(scope, model, body, argument);
                        }
                    }

                    break;
            }
        }

        /// <summary>Every value given to <paramref name="local"/>: its initializer and each plain assignment in the method.</summary>
        private void AddLocal(StateMethodAnalyzer.StateScope scope, SemanticModel model, SyntaxNode body, ILocalSymbol local)
        {
            foreach (SyntaxNode node in body.DescendantNodesAndSelf())
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax { Initializer: { } initializer } declarator
                        when declarator.Identifier.ValueText == local.Name &&
                             SymbolEqualityComparer.Default.Equals(model.GetDeclaredSymbol(declarator, scope.CancellationToken), local):
                        Add(scope, model, body, initializer.Value);
                        break;
                    case AssignmentExpressionSyntax { RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.SimpleAssignmentExpression } assignment
                        when assignment.Left is IdentifierNameSyntax { Identifier.ValueText: { } name } && name == local.Name &&
                             SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(assignment.Left, scope.CancellationToken).Symbol, local):
                        Add(scope, model, body, assignment.Right);
                        break;
                }
            }
        }
    }
}
