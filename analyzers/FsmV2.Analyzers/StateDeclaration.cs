using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

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
}
