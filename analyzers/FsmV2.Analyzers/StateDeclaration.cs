using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// How a <c>[State]</c> declaration is read: its <c>[TransitionsTo]</c> targets and the lifecycle phase of a state
/// that does not name one. Compiled into both the generator and the analyzers (linked, like
/// <see cref="DiagnosticDescriptors"/>), so the machine the generator builds and the one the analyzers judge agree.
/// </summary>
internal static class StateDeclaration
{
    // The values of FsmV2.LifecyclePhase.
    public const int PhaseStopped = 0;
    public const int PhaseStarting = 1;
    public const int PhaseRunningHealthy = 2;
    public const int PhaseRunningDegraded = 3;
    public const int PhaseStopping = 4;

    /// <summary>
    /// The state names a <c>[TransitionsTo]</c> lists, in order; none for <see langword="null"/> (no attribute), a
    /// <see langword="null"/> array (<c>[TransitionsTo(null)]</c>) or null and empty names.
    /// </summary>
    public static ImmutableArray<string> ReadTargets(AttributeData? transitions)
    {
        if (transitions is null)
        {
            return ImmutableArray<string>.Empty;
        }

        ImmutableArray<string>.Builder targets = ImmutableArray.CreateBuilder<string>();
        foreach (TypedConstant argument in transitions.ConstructorArguments)
        {
            if (argument.Kind == TypedConstantKind.Array)
            {
                if (argument.IsNull)
                {
                    continue; // Values of a null array is a default ImmutableArray: not enumerable.
                }

                foreach (TypedConstant value in argument.Values)
                {
                    if (value.Value is string target && target.Length > 0)
                    {
                        targets.Add(target);
                    }
                }
            }
            else if (argument.Value is string single && single.Length > 0)
            {
                targets.Add(single);
            }
        }

        return targets.ToImmutable();
    }

    /// <summary>
    /// The phase of a state without an explicit <c>Phase</c>: the initial state and a name starting with "Stopped"
    /// are Stopped; "Starting", "Stopping" and "Degraded" prefixes name theirs; anything else is RunningHealthy.
    /// </summary>
    public static int InferPhase(string name, bool initial)
    {
        if (initial || name.StartsWith("Stopped", StringComparison.Ordinal))
        {
            return PhaseStopped;
        }

        if (name.StartsWith("Starting", StringComparison.Ordinal))
        {
            return PhaseStarting;
        }

        if (name.StartsWith("Stopping", StringComparison.Ordinal))
        {
            return PhaseStopping;
        }

        return name.StartsWith("Degraded", StringComparison.Ordinal) ? PhaseRunningDegraded : PhaseRunningHealthy;
    }

    /// <summary>
    /// Whether a state may read its snapshot's time. It does not when every use of its snapshot parameter in its body
    /// reads one of the snapshot's properties other than <c>Now</c> and <c>ObservationAge</c> (<c>s.Desired</c>,
    /// <c>s.Observed.Port</c>, <c>s.ShutdownRequested</c>); passing the snapshot on, copying it, matching a pattern
    /// on it, calling a method on it, invoking a delegate (a callback can read anything), or a body that is not in
    /// source all count as reading the time (lambdas and local functions cannot capture an <c>in</c> parameter). A
    /// state that reads no time, pure as every state is (FSMV007), decides the same on the same inputs: the generator
    /// records this per state (<c>WorkerDefinition.ReadsTime</c>) and the tick may skip such a state while its inputs
    /// are unchanged (<c>SupervisorOptions.SkipUnchangedStays</c>).
    /// </summary>
    public static bool ReadsTime(IMethodSymbol method, Compilation compilation, CancellationToken cancellationToken)
    {
        if (method.Parameters.Length != 1 || method.DeclaringSyntaxReferences.Length == 0)
        {
            return true;
        }

        string snapshot = method.Parameters[0].Name;
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not MethodDeclarationSyntax { } declaration ||
                ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not { } body)
            {
                return true;
            }

            SemanticModel? model = null;
            foreach (SyntaxNode node in body.DescendantNodes())
            {
                if (node is IdentifierNameSyntax name && name.Identifier.ValueText == snapshot && !ReadsTimelessProperty(name))
                {
                    return true;
                }

                if (node is InvocationExpressionSyntax invocation &&
                    (model ??= compilation.GetSemanticModel(body.SyntaxTree)).GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { MethodKind: MethodKind.DelegateInvoke })
                {
                    return true;
                }
            }
        }

        return false;
    }

    // s.Member, where Member is a property that is not the time (a call, s.Member(...), is not a property read).
    private static bool ReadsTimelessProperty(IdentifierNameSyntax name) =>
        name.Parent is MemberAccessExpressionSyntax access &&
        access.Expression == name &&
        access.Name.Identifier.ValueText is not ("Now" or "ObservationAge") &&
        !(access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access);
}
