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
    private readonly ConcurrentDictionary<SyntaxTree, SemanticModel> _models = new();

    private WorkerSymbols(
        Compilation compilation,
        INamedTypeSymbol worker,
        INamedTypeSymbol state,
        INamedTypeSymbol transitionsTo,
        INamedTypeSymbol action,
        INamedTypeSymbol? childOf,
        INamedTypeSymbol? workerInterface,
        INamedTypeSymbol? snapshot,
        INamedTypeSymbol? next)
    {
        Compilation = compilation;
        Worker = worker;
        State = state;
        TransitionsTo = transitionsTo;
        Action = action;
        ChildOf = childOf;
        WorkerInterface = workerInterface;
        Snapshot = snapshot;
        Next = next;
    }

    /// <summary>The compilation these symbols belong to; helpers are followed anywhere in it.</summary>
    public Compilation Compilation { get; }

    /// <summary>What FSMV007 found in each helper followed so far (null: pure); shared by all states of the compilation.</summary>
    public ConcurrentDictionary<IMethodSymbol, string?> PurityVerdicts { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>What FSMV012 found in each action helper followed so far (null: no retry loop).</summary>
    public ConcurrentDictionary<IMethodSymbol, string?> RetryVerdicts { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The transition summary of each method followed so far by FSMV001/FSMV009, per worker (its State and Goto are the worker's).</summary>
    public ConcurrentDictionary<(INamedTypeSymbol Worker, IMethodSymbol Method), TransitionFlow> Flows { get; } = new(new PairComparer());

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
            compilation,
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
    /// one Snapshot parameter taken by <c>in</c>). Bodies of other methods are FSMV010's business, not the body rules'.
    /// </summary>
    public bool HasStateSignature(IMethodSymbol method) =>
        method.IsStatic &&
        !method.IsGenericMethod &&
        Next is not null && SymbolEqualityComparer.Default.Equals(method.ReturnType, Next) &&
        method.Parameters.Length == 1 &&
        method.Parameters[0].RefKind is RefKind.In or RefKind.RefReadOnlyParameter &&
        Snapshot is not null &&
        method.Parameters[0].Type is INamedTypeSymbol parameterType &&
        SymbolEqualityComparer.Default.Equals(parameterType.OriginalDefinition, Snapshot);

    /// <summary>
    /// The method whose body is followed when <paramref name="called"/> is called from code of
    /// <paramref name="worker"/>: any ordinary method of the worker (in any of its partial files) that is not a state,
    /// and any static method (extension methods included) declared in source of this compilation; otherwise null
    /// (a library, an abstract or interface method, a state, a lambda, the generated <c>Goto</c>/<c>Stay</c>/<c>Do</c>/<c>Remove</c>/<c>Restart</c>).
    /// </summary>
    public IMethodSymbol? FollowedHelper(IMethodSymbol? called, INamedTypeSymbol worker)
    {
        if (called is null)
        {
            return null;
        }

        IMethodSymbol method = (called.ReducedFrom ?? called).OriginalDefinition;
        if (method.MethodKind != MethodKind.Ordinary || method.IsAbstract || method.DeclaringSyntaxReferences.IsEmpty ||
            !SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, Compilation.Assembly) ||
            !(method.IsStatic || SymbolEqualityComparer.Default.Equals(method.ContainingType, worker)) ||
            Find(method.GetAttributes(), State) is not null ||
            (SymbolEqualityComparer.Default.Equals(method.ContainingType, worker) && method.Name is "Goto" or "Stay" or "Do" or "Remove" or "Restart"))
        {
            return null; // the generated Goto/Stay/Do/Remove/Restart only build a Next: nothing to follow
        }

        return method;
    }

    /// <summary>Each body of <paramref name="method"/> (a block or an arrow expression), with the semantic model of its file.</summary>
    public IEnumerable<(SyntaxNode Body, SemanticModel Model)> BodiesOf(IMethodSymbol method, SemanticModel current, CancellationToken ct)
    {
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(ct) is BaseMethodDeclarationSyntax declaration &&
                ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody?.Expression) is { } body)
            {
                yield return (body, ModelFor(reference.SyntaxTree, current));
            }
        }
    }

    /// <summary>The semantic model of <paramref name="tree"/>: the one at hand when it is that file's, else one made once per file.</summary>
    public SemanticModel ModelFor(SyntaxTree tree, SemanticModel current) =>
        tree == current.SyntaxTree
            ? current
#pragma warning disable RS1030 // Following a helper into another file of the compilation needs that file's model; it is made once per file and cached.
            : _models.GetOrAdd(tree, t => Compilation.GetSemanticModel(t));
#pragma warning restore RS1030

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

/// <summary>Compares (worker, method) pairs by symbol.</summary>
internal sealed class PairComparer : IEqualityComparer<(INamedTypeSymbol Worker, IMethodSymbol Method)>
{
    public bool Equals((INamedTypeSymbol Worker, IMethodSymbol Method) x, (INamedTypeSymbol Worker, IMethodSymbol Method) y) =>
        SymbolEqualityComparer.Default.Equals(x.Worker, y.Worker) && SymbolEqualityComparer.Default.Equals(x.Method, y.Method);

    public int GetHashCode((INamedTypeSymbol Worker, IMethodSymbol Method) obj) =>
        (SymbolEqualityComparer.Default.GetHashCode(obj.Worker) * 31) + SymbolEqualityComparer.Default.GetHashCode(obj.Method);
}
