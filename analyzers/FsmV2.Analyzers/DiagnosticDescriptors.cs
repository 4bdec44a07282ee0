using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers;

/// <summary>
/// Every FSMV diagnostic, in one place. The generator and the analyzers both compile this file, so a rule has
/// one id, one message and one help link wherever it is reported.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "FsmV2";

    /// <summary>
    /// The README's diagnostics table, from the assembly's <c>FsmV2.HelpLinkBase</c> metadata: set once, from
    /// <c>FsmV2RepositoryUrl</c> in Directory.Build.props, for the generator, the analyzers and the code fixes alike.
    /// </summary>
    internal static readonly string HelpBase = ReadHelpBase();

    public const string IllegalTransitionId = "FSMV001";
    public const string UnknownTransitionTargetId = "FSMV002";
    public const string NoInitialStateId = "FSMV003";
    public const string MultipleInitialStatesId = "FSMV004";
    public const string InvalidStateSignatureId = "FSMV010";
    public const string InvalidActionSignatureId = "FSMV011";
    public const string ChildOfNotWorkerId = "FSMV013";
    public const string WorkerNotPartialId = "FSMV015";
    public const string WorkerWithoutInterfaceId = "FSMV016";
    public const string GenericWorkerId = "FSMV017";
    public const string GeneratorFailureId = "FSMV099";
    public const string UnreachableStateId = "FSMV005";
    public const string DeadEndStateId = "FSMV006";
    public const string ImpureStateId = "FSMV007";
    public const string ShutdownNotCheckedFirstId = "FSMV008";
    public const string StoppingStateCanStayId = "FSMV009";
    public const string ActionRetryLoopId = "FSMV012";
    public const string ChildOfCycleId = "FSMV014";
    public const string WorkerNotClassId = "FSMV018";
    public const string ChildNotOfParentId = "FSMV019";

    /// <summary>Property of an FSMV019 diagnostic: the metadata name of the child worker type.</summary>
    public const string ChildProperty = "Child";

    /// <summary>Property of an FSMV019 diagnostic: the metadata name of the parent worker type.</summary>
    public const string ParentProperty = "Parent";

    /// <summary>Property of an FSMV001 diagnostic: the state whose declared transitions are missing the target.</summary>
    public const string StateProperty = "State";

    /// <summary>Property of an FSMV001 diagnostic: the state the <c>Goto</c> goes to.</summary>
    public const string TargetProperty = "Target";

    /// <summary>Property of an FSMV008 diagnostic: the name of the state's snapshot parameter.</summary>
    public const string SnapshotProperty = "Snapshot";

    public static readonly DiagnosticDescriptor IllegalTransition = Create(
        IllegalTransitionId,
        "Goto to a state that is not declared in [TransitionsTo]",
        "State '{0}' goes to '{1}', but '{0}' does not declare that transition (declared: {2}): add it to [TransitionsTo] or go elsewhere",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnreachableState = Create(
        UnreachableStateId,
        "State is unreachable from the initial state",
        "State '{0}' of worker '{1}' cannot be reached from the initial state '{2}' through the declared transitions",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DeadEndState = Create(
        DeadEndStateId,
        "State is a dead end",
        "State '{0}' of worker '{1}' declares no transitions and is not Terminal: a worker that enters it can never leave; add [TransitionsTo] or mark it [State(Terminal = true)]",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ImpureState = Create(
        ImpureStateId,
        "State method is not pure",
        "State '{0}' of worker '{1}' {2}: a state only reads its snapshot and returns a decision; move I/O to CollectAsync or an [Action]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ShutdownNotCheckedFirst = Create(
        ShutdownNotCheckedFirstId,
        "State does not check ShutdownRequested first",
        "State '{0}' of worker '{1}' decides before checking '{2}.ShutdownRequested': test it first so that a shutdown is never overlooked",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StoppingStateCanStay = Create(
        StoppingStateCanStayId,
        "Stopping state can stay without an action",
        "Stopping state '{0}' of worker '{1}' can return Stay(...): a worker shutting down could wait there forever; run an action (Do) or go on",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ActionRetryLoop = Create(
        ActionRetryLoopId,
        "Action retries internally",
        "Action '{0}' of worker '{1}' contains a retry loop ({2}): actions run once; let the next tick re-decide from a fresh observation",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ChildOfCycle = Create(
        ChildOfCycleId,
        "[ChildOf] forms a cycle",
        "Worker '{0}' is its own ancestor through [ChildOf]: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor WorkerNotClass = Create(
        WorkerNotClassId,
        "[Worker] on a type that is not a class",
        "'{0}' is a {1}: [Worker] applies only to (non-record) classes, so no machine is generated for it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnknownTransitionTarget = Create(
        UnknownTransitionTargetId,
        "[TransitionsTo] names something that is not a state",
        "State '{0}' declares a transition to '{1}', which is not a [State] of worker '{2}' (its states: {3})",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NoInitialState = Create(
        NoInitialStateId,
        "Worker has no initial state",
        "Worker '{0}' has no initial state: mark exactly one [State] method with Initial = true",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MultipleInitialStates = Create(
        MultipleInitialStatesId,
        "Worker has more than one initial state",
        "Worker '{0}' has more than one initial state ({1}): keep Initial = true on exactly one",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidStateSignature = Create(
        InvalidStateSignatureId,
        "State method has the wrong signature",
        "State '{0}' of worker '{1}' {2}: a state is 'static Next {0}(in Snapshot<{3}, {4}> snapshot)'",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidActionSignature = Create(
        InvalidActionSignatureId,
        "Action method has the wrong signature",
        "Action '{0}' of worker '{1}' {2}: an action is 'Task {0}({3} desired, CancellationToken ct)' or 'Task {0}(CancellationToken ct)' (Task or ValueTask)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ChildOfNotWorker = Create(
        ChildOfNotWorkerId,
        "[ChildOf] names a type that is not a worker",
        "Worker '{0}' is declared [ChildOf(typeof({1}))], but '{1}' is not a class marked [Worker]",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor WorkerNotPartial = Create(
        WorkerNotPartialId,
        "[Worker] class is not partial",
        "Worker '{0}' must be declared 'partial' (and so must every type containing it) so the generator can complete it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor WorkerWithoutInterface = Create(
        WorkerWithoutInterfaceId,
        "[Worker] class does not implement IWorker<TDesired, TObserved>",
        "Worker '{0}' must implement FsmV2.IWorker<TDesired, TObserved> exactly once, so that its snapshot types are known",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor GenericWorker = Create(
        GenericWorkerId,
        "[Worker] class is generic",
        "Worker '{0}' is generic (or nested in a generic type); workers must be closed, non-generic classes",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ChildNotOfParent = Create(
        ChildNotOfParentId,
        "Child spec for a worker that is not [ChildOf] the parent",
        "'{0}' is not declared [ChildOf(typeof({1}))], so it cannot be a child of a {1}: add the attribute to {0} or give the {1} another child",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor GeneratorFailure = Create(
        GeneratorFailureId,
        "The FsmV2 generator could not process a worker",
        "The FsmV2 generator could not process worker '{0}': {1}. Please report this with the worker's source.",
        DiagnosticSeverity.Error);

    /// <summary>Every descriptor, for lookup by id.</summary>
    public static readonly DiagnosticDescriptor[] All =
    [
        UnknownTransitionTarget, NoInitialState, MultipleInitialStates, InvalidStateSignature, InvalidActionSignature,
        ChildOfNotWorker, WorkerNotPartial, WorkerWithoutInterface, GenericWorker, GeneratorFailure,
        IllegalTransition, UnreachableState, DeadEndState, ImpureState, ShutdownNotCheckedFirst, StoppingStateCanStay,
        ActionRetryLoop, ChildOfCycle, WorkerNotClass, ChildNotOfParent,
    ];

    /// <summary>The descriptor with id <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor Find(string id)
    {
        foreach (DiagnosticDescriptor descriptor in All)
        {
            if (descriptor.Id == id)
            {
                return descriptor;
            }
        }

        return GeneratorFailure;
    }

    private static string ReadHelpBase()
    {
        foreach (object attribute in typeof(DiagnosticDescriptors).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), inherit: false))
        {
            if (attribute is System.Reflection.AssemblyMetadataAttribute { Key: "FsmV2.HelpLinkBase", Value: { Length: > 0 } value })
            {
                return value;
            }
        }

        throw new System.InvalidOperationException("FsmV2: the assembly has no FsmV2.HelpLinkBase metadata (set in Directory.Build.props).");
    }

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: $"{HelpBase}-{id.ToLowerInvariant()}");
}
