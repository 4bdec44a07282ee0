using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Analyzers;

/// <summary>
/// The FsmV2 types of one compilation, resolved once when the compilation starts, and the questions every FSMV
/// analyzer asks about a worker. <see cref="TryCreate"/> returns null when the compilation does not reference
/// FsmV2, so the analyzers cost nothing in projects that do not use it.
/// </summary>
internal sealed class WorkerSymbols
{
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _accepted = new(SymbolEqualityComparer.Default);

    private WorkerSymbols(
        INamedTypeSymbol worker,
        INamedTypeSymbol state,
        INamedTypeSymbol transitionsTo,
        INamedTypeSymbol action,
        INamedTypeSymbol? childOf,
        INamedTypeSymbol? workerInterface,
        INamedTypeSymbol? snapshot,
        INamedTypeSymbol? next)
    {
        Worker = worker;
        State = state;
        TransitionsTo = transitionsTo;
        Action = action;
        ChildOf = childOf;
        WorkerInterface = workerInterface;
        Snapshot = snapshot;
        Next = next;
    }

    public INamedTypeSymbol Worker { get; }

    public INamedTypeSymbol State { get; }

    public INamedTypeSymbol TransitionsTo { get; }

    public INamedTypeSymbol Action { get; }

    public INamedTypeSymbol? ChildOf { get; }

    public INamedTypeSymbol? WorkerInterface { get; }

    public INamedTypeSymbol? Snapshot { get; }

    public INamedTypeSymbol? Next { get; }

    public static WorkerSymbols? TryCreate(Compilation compilation)
    {
        INamedTypeSymbol? worker = compilation.GetTypeByMetadataName("FsmV2.WorkerAttribute");
        INamedTypeSymbol? state = compilation.GetTypeByMetadataName("FsmV2.StateAttribute");
        INamedTypeSymbol? transitionsTo = compilation.GetTypeByMetadataName("FsmV2.TransitionsToAttribute");
        INamedTypeSymbol? action = compilation.GetTypeByMetadataName("FsmV2.ActionAttribute");
        if (worker is null || state is null || transitionsTo is null || action is null)
        {
            return null;
        }

        return new WorkerSymbols(
            worker,
            state,
            transitionsTo,
            action,
            compilation.GetTypeByMetadataName("FsmV2.ChildOfAttribute"),
            compilation.GetTypeByMetadataName("FsmV2.IWorker`2"),
            compilation.GetTypeByMetadataName("FsmV2.Snapshot`2"),
            compilation.GetTypeByMetadataName("FsmV2.Next"));
    }

    public bool HasWorkerAttribute(INamedTypeSymbol type) => Find(type.GetAttributes(), Worker) is not null;

    /// <summary>
    /// True when the generator builds a machine for <paramref name="type"/>: a [Worker] class (not a record),
    /// partial all the way out, not generic, implementing IWorker once. Anything else is reported by the
    /// generator (FSMV015/016/017) or by FSMV018, and the state rules stay quiet so one mistake is one diagnostic.
    /// </summary>
    public bool IsAcceptedWorker(INamedTypeSymbol type, CancellationToken ct) =>
        _accepted.GetOrAdd(type, t => ComputeAccepted(t, ct));

    private bool ComputeAccepted(INamedTypeSymbol type, CancellationToken ct)
    {
        if (type.TypeKind != TypeKind.Class || type.IsRecord || !HasWorkerAttribute(type))
        {
            return false;
        }

        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                return false;
            }

            bool partial = false;
            foreach (SyntaxReference reference in t.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(ct) is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    partial = true;
                    break;
                }
            }

            if (!partial)
            {
                return false;
            }
        }

        if (WorkerInterface is null)
        {
            return false;
        }

        INamedTypeSymbol? found = null;
        foreach (INamedTypeSymbol candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, WorkerInterface))
            {
                if (found is not null && !SymbolEqualityComparer.Default.Equals(found, candidate))
                {
                    return false;
                }

                found = candidate;
            }
        }

        if (found is null)
        {
            return false;
        }

        foreach (ITypeSymbol argument in found.TypeArguments)
        {
            if (argument.TypeKind == TypeKind.Error)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The [State] methods of a worker, first declaration of each name only (overloads are FSMV010).</summary>
    public ImmutableArray<StateInfo> ReadStates(INamedTypeSymbol type)
    {
        ImmutableArray<StateInfo>.Builder states = ImmutableArray.CreateBuilder<StateInfo>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method &&
                ReadState(method) is { } state &&
                seen.Add(state.Name))
            {
                states.Add(state);
            }
        }

        return states.ToImmutable();
    }

    /// <summary>What the [State] and [TransitionsTo] attributes of <paramref name="method"/> say, or null if it is no state.</summary>
    public StateInfo? ReadState(IMethodSymbol method)
    {
        ImmutableArray<AttributeData> attributes = method.GetAttributes();
        AttributeData? state = Find(attributes, State);
        if (state is null)
        {
            return null;
        }

        bool initial = false;
        bool terminal = false;
        int? phase = null;
        foreach (KeyValuePair<string, TypedConstant> argument in state.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Initial" when argument.Value.Value is bool b: initial = b; break;
                case "Terminal" when argument.Value.Value is bool b: terminal = b; break;
                case "Phase" when argument.Value.Value is int p: phase = p; break;
            }
        }

        int effectivePhase = phase ?? StateDeclaration.InferPhase(method.Name, initial);
        return new StateInfo(method, initial, terminal, effectivePhase, StateDeclaration.ReadTargets(Find(attributes, TransitionsTo)));
    }

    /// <summary>
    /// True when <paramref name="method"/> has the state signature the generator accepts (static, returns Next,
    /// one Snapshot parameter). Bodies of other methods are FSMV010's business, not the body rules'.
    /// </summary>
    public bool HasStateSignature(IMethodSymbol method) =>
        method.IsStatic &&
        !method.IsGenericMethod &&
        Next is not null && SymbolEqualityComparer.Default.Equals(method.ReturnType, Next) &&
        method.Parameters.Length == 1 &&
        Snapshot is not null &&
        method.Parameters[0].Type is INamedTypeSymbol parameterType &&
        SymbolEqualityComparer.Default.Equals(parameterType.OriginalDefinition, Snapshot);

    /// <summary>True when <paramref name="method"/> is one of the helpers the generator emits on <paramref name="worker"/>.</summary>
    public static bool IsGeneratedHelper(IMethodSymbol? method, INamedTypeSymbol worker, string name) =>
        method is not null &&
        method.Name == name &&
        SymbolEqualityComparer.Default.Equals(method.ContainingType, worker);

    public static AttributeData? Find(ImmutableArray<AttributeData> attributes, INamedTypeSymbol? attributeType)
    {
        if (attributeType is null)
        {
            return null;
        }

        foreach (AttributeData attribute in attributes)
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return attribute;
            }
        }

        return null;
    }
}

/// <summary>One [State] method as the analyzers see it.</summary>
internal sealed class StateInfo
{
    public StateInfo(IMethodSymbol method, bool initial, bool terminal, int phase, ImmutableArray<string> targets)
    {
        Method = method;
        Initial = initial;
        Terminal = terminal;
        Phase = phase;
        Targets = targets;
    }

    public IMethodSymbol Method { get; }

    public string Name => Method.Name;

    public bool Initial { get; }

    public bool Terminal { get; }

    /// <summary>The lifecycle phase as the generator infers it (<see cref="StateDeclaration"/>).</summary>
    public int Phase { get; }

    /// <summary>The declared targets, as written (unknown names included; those are FSMV002).</summary>
    public ImmutableArray<string> Targets { get; }
}
