using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using FsmV2.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FsmV2.Generators;

/// <summary>
/// Reads one <c>[Worker]</c> class into a <see cref="WorkerModel"/> and the diagnostics that go with it.
/// Half-typed code is normal input here: anything that cannot be understood becomes a diagnostic or is
/// skipped, never an exception.
/// </summary>
internal static class WorkerModelBuilder
{
    public const string WorkerAttribute = "FsmV2.WorkerAttribute";
    private const string StateAttribute = "FsmV2.StateAttribute";
    private const string TransitionsToAttribute = "FsmV2.TransitionsToAttribute";
    private const string ActionAttribute = "FsmV2.ActionAttribute";
    private const string WorkerInterface = "FsmV2.IWorker`2";
    private const string SnapshotType = "FsmV2.Snapshot`2";
    private const string NextType = "FsmV2.Next";

    private static readonly SymbolDisplayFormat QualifiedFormat =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat NamespaceFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    public static WorkerResult Build(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return new WorkerResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        try
        {
            if (!IsFirstWorkerAttribute(type, context))
            {
                // [Worker] on more than one partial part (the compiler reports the duplicate attribute): only the
                // first part speaks for the worker, or the same file would be added twice.
                return new WorkerResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            return OneMistakeOneDiagnostic(BuildCore(type, (TypeDeclarationSyntax)context.TargetNode, context.SemanticModel.Compilation, ct));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The generator never throws: an unexpected failure is reported on the worker, not as a crash.
            DiagnosticInfo failure = DiagnosticInfo.Create(
                DiagnosticDescriptors.GeneratorFailure,
                ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation(),
                type.Name,
                $"{ex.GetType().Name}: {ex.Message}");
            return new WorkerResult(null, new[] { failure }.ToEquatableArray());
        }
    }

    // A worker missing 'partial' reports FSMV015 and nothing else, as before its model (for the stand-ins) was built.
    private static WorkerResult OneMistakeOneDiagnostic(WorkerResult result)
    {
        DiagnosticInfo? notPartial = result.Diagnostics.FirstOrDefault(d => d.Id == DiagnosticDescriptors.WorkerNotPartialId);
        return notPartial is null ? result : result with { Diagnostics = new[] { notPartial }.ToEquatableArray() };
    }

    private static WorkerResult BuildCore(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Compilation compilation, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        Location typeLocation = declaration.Identifier.GetLocation();

        // A worker that is not partial still gets a model: the emitter gives its state bodies stand-ins for the
        // names they use (Goto, State, …), so FSMV015 is reported alone instead of followed by a name error each.
        bool isPartial = IsPartialAll(type, ct);
        if (!isPartial)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WorkerNotPartial, typeLocation, type.Name));
        }

        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericWorker, typeLocation, type.Name));
                return new WorkerResult(null, diagnostics.ToEquatableArray());
            }
        }

        INamedTypeSymbol? workerInterface = FindWorkerInterface(type, compilation);
        if (workerInterface is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WorkerWithoutInterface, typeLocation, type.Name));
            return new WorkerResult(null, diagnostics.ToEquatableArray());
        }

        ITypeSymbol desired = workerInterface.TypeArguments[0];
        ITypeSymbol observed = workerInterface.TypeArguments[1];
        string desiredName = desired.ToDisplayString(QualifiedFormat);
        string observedName = observed.ToDisplayString(QualifiedFormat);

        INamedTypeSymbol? snapshotDefinition = compilation.GetTypeByMetadataName(SnapshotType);
        INamedTypeSymbol? nextType = compilation.GetTypeByMetadataName(NextType);
        INamedTypeSymbol? expectedSnapshot = snapshotDefinition?.Construct(desired, observed);

        var states = new List<(IMethodSymbol Method, AttributeData? Transitions, StateModel Model)>();
        var actions = new List<ActionModel>();
        var seenStates = new HashSet<string>(StringComparer.Ordinal);
        var seenActions = new HashSet<string>(StringComparer.Ordinal);

        foreach (ISymbol member in type.GetMembers())
        {
            ct.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method || method.MethodKind != MethodKind.Ordinary)
            {
                continue;
            }

            AttributeData? stateAttribute = null;
            AttributeData? transitionsAttribute = null;
            AttributeData? actionAttribute = null;
            foreach (AttributeData attribute in method.GetAttributes())
            {
                switch (attribute.AttributeClass?.ToDisplayString())
                {
                    case StateAttribute: stateAttribute = attribute; break;
                    case TransitionsToAttribute: transitionsAttribute = attribute; break;
                    case ActionAttribute: actionAttribute = attribute; break;
                }
            }

            // An overload of a state or action is reported by ReadState/ReadAction and left out of the model:
            // the enums can hold each name once.
            if (stateAttribute is not null)
            {
                bool first = seenStates.Add(method.Name);
                StateModel state = ReadState(method, stateAttribute, transitionsAttribute, expectedSnapshot, nextType, type, desiredName, observedName, first, diagnostics, compilation, ct);
                if (first)
                {
                    states.Add((method, transitionsAttribute, state));
                }
            }
            else if (actionAttribute is not null)
            {
                bool first = seenActions.Add(method.Name);
                ActionModel action = ReadAction(method, actionAttribute, desired, type, desiredName, first, diagnostics);
                if (first)
                {
                    actions.Add(action);
                }
            }
        }

        // Transition targets must be states of this worker.
        string stateList = states.Count == 0 ? "none" : string.Join(", ", states.Select(s => s.Model.Name));
        var stateNames = new HashSet<string>(states.Select(s => s.Model.Name), StringComparer.Ordinal);
        for (int i = 0; i < states.Count; i++)
        {
            (IMethodSymbol method, AttributeData? transitions, StateModel state) = states[i];
            var valid = new List<string>();
            foreach (string target in state.Targets)
            {
                if (stateNames.Contains(target))
                {
                    if (!valid.Contains(target))
                    {
                        valid.Add(target);
                    }
                }
                else
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.UnknownTransitionTarget,
                        transitions?.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? method.Locations.FirstOrDefault(),
                        state.Name,
                        target,
                        type.Name,
                        stateList));
                }
            }

            states[i] = (method, transitions, state with { Targets = valid.ToEquatableArray() });
        }

        // Exactly one initial state.
        var initials = states.Where(s => s.Model.Initial).ToList();
        int initialIndex = 0;
        if (initials.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoInitialState, typeLocation, type.Name));
        }
        else
        {
            initialIndex = states.FindIndex(s => s.Model.Initial);
            if (initials.Count > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.MultipleInitialStates,
                    initials[1].Method.Locations.FirstOrDefault(),
                    type.Name,
                    string.Join(", ", initials.Select(s => s.Model.Name))));
            }
        }

        var parents = new List<string>();
        foreach ((AttributeData attribute, INamedTypeSymbol parent) in ChildOfRule.DeclaredParents(type))
        {
            bool parentIsWorker = parent.TypeKind == TypeKind.Class &&
                parent.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == WorkerAttribute);
            if (parentIsWorker)
            {
                parents.Add(parent.ToDisplayString(QualifiedFormat));
            }
            else if (parent.TypeKind != TypeKind.Error)
            {
                Location? where = attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? typeLocation;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ChildOfNotWorker, where, type.Name, parent.Name));
            }
        }

        if (states.Count == 0)
        {
            // Nothing to dispatch: the missing initial state was reported; emit nothing.
            return new WorkerResult(null, diagnostics.ToEquatableArray());
        }

        var containing = new List<string>();
        for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            containing.Insert(0, $"partial {Keyword(t)} {WorkerEmitter.Identifier(t.Name)}");
        }

        var model = new WorkerModel(
            type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString(NamespaceFormat),
            type.Name,
            type.ToDisplayString(QualifiedFormat),
            containing.ToEquatableArray(),
            desiredName,
            observedName,
            states.Select(s => s.Model).ToEquatableArray(),
            actions.ToEquatableArray(),
            parents.ToEquatableArray(),
            initialIndex,
            type.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal),
            isPartial,
            type.GetMembers(WorkerEmitter.TestClass).IsEmpty);
        return new WorkerResult(model, diagnostics.ToEquatableArray());
    }

    private static StateModel ReadState(
        IMethodSymbol method,
        AttributeData stateAttribute,
        AttributeData? transitionsAttribute,
        INamedTypeSymbol? expectedSnapshot,
        INamedTypeSymbol? nextType,
        INamedTypeSymbol worker,
        string desiredName,
        string observedName,
        bool first,
        List<DiagnosticInfo> diagnostics,
        Compilation compilation,
        CancellationToken cancellationToken)
    {
        bool initial = NamedBool(stateAttribute, "Initial");
        bool terminal = NamedBool(stateAttribute, "Terminal");
        int? phase = NamedInt(stateAttribute, "Phase");

        string? problem = null;
        if (!first)
        {
            problem = "is declared more than once (states are named by their method, so overloads are not allowed)";
        }
        else if (!method.IsStatic)
        {
            problem = "is not static";
        }
        else if (method.IsGenericMethod)
        {
            problem = "is generic";
        }
        else if (nextType is null || !SymbolEqualityComparer.Default.Equals(method.ReturnType, nextType) || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            problem = "does not return FsmV2.Next";
        }
        else if (method.Parameters.Length != 1 ||
                 expectedSnapshot is null ||
                 !SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, expectedSnapshot) ||
                 method.Parameters[0].RefKind is not (RefKind.None or RefKind.In or RefKind.RefReadOnlyParameter))
        {
            problem = "does not take exactly one Snapshot parameter of the worker's types";
        }
        else if (method.Parameters[0].RefKind == RefKind.None)
        {
            problem = "takes its snapshot by value (declare the parameter 'in')";
        }

        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InvalidStateSignature,
                method.Locations.FirstOrDefault(),
                method.Name,
                worker.Name,
                problem,
                Short(desiredName),
                Short(observedName)));
        }

        return new StateModel(
            method.Name,
            initial,
            terminal,
            phase ?? StateDeclaration.InferPhase(method.Name, initial),
            StateDeclaration.ReadTargets(transitionsAttribute).ToEquatableArray(),
            problem is null,
            problem is not null || StateDeclaration.ReadsTime(method, compilation, cancellationToken));
    }

    private static ActionModel ReadAction(
        IMethodSymbol method,
        AttributeData actionAttribute,
        ITypeSymbol desired,
        INamedTypeSymbol worker,
        string desiredName,
        bool first,
        List<DiagnosticInfo> diagnostics)
    {
        int timeout = NamedInt(actionAttribute, "TimeoutMs") ?? 0;
        string returnType = method.ReturnType.ToDisplayString();
        bool returnsTask = returnType == "System.Threading.Tasks.Task";
        bool returnsValueTask = returnType == "System.Threading.Tasks.ValueTask";
        bool takesDesired = false;

        string? problem = null;
        if (!first)
        {
            problem = "is declared more than once (actions are named by their method, so overloads are not allowed)";
        }
        else if (method.IsGenericMethod)
        {
            problem = "is generic";
        }
        else if (!returnsTask && !returnsValueTask)
        {
            problem = "does not return Task or ValueTask";
        }
        else if (timeout < 0)
        {
            problem = $"has a negative TimeoutMs ({timeout})";
        }
        else
        {
            ImmutableArray<IParameterSymbol> parameters = method.Parameters;
            bool lastIsToken = parameters.Length > 0 &&
                parameters[parameters.Length - 1].Type.ToDisplayString() == "System.Threading.CancellationToken" &&
                parameters[parameters.Length - 1].RefKind == RefKind.None;
            if (parameters.Length == 1 && lastIsToken)
            {
                takesDesired = false;
            }
            else if (parameters.Length == 2 && lastIsToken &&
                     SymbolEqualityComparer.Default.Equals(parameters[0].Type, desired) &&
                     parameters[0].RefKind is RefKind.None or RefKind.In)
            {
                takesDesired = true;
            }
            else
            {
                problem = "has the wrong parameters";
            }
        }

        if (problem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.InvalidActionSignature,
                method.Locations.FirstOrDefault(),
                method.Name,
                worker.Name,
                problem,
                Short(desiredName)));
        }

        return new ActionModel(method.Name, Math.Max(timeout, 0), problem is null, takesDesired, returnsValueTask);
    }

    private static INamedTypeSymbol? FindWorkerInterface(INamedTypeSymbol type, Compilation compilation)
    {
        INamedTypeSymbol? definition = compilation.GetTypeByMetadataName(WorkerInterface);
        if (definition is null)
        {
            return null;
        }

        INamedTypeSymbol? found = null;
        foreach (INamedTypeSymbol candidate in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, definition))
            {
                if (found is not null && !SymbolEqualityComparer.Default.Equals(found, candidate))
                {
                    return null; // Implemented twice with different types: the snapshot types are ambiguous.
                }

                found = candidate;
            }
        }

        if (found is null || found.TypeArguments.Any(t => t.TypeKind == TypeKind.Error))
        {
            return null;
        }

        return found;
    }

    private static bool IsFirstWorkerAttribute(INamedTypeSymbol type, GeneratorAttributeSyntaxContext context)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == WorkerAttribute)
            {
                // The first [Worker] of the type must sit on the declaration this step was started for.
                SyntaxReference? first = attribute.ApplicationSyntaxReference;
                return first is null ||
                    (first.SyntaxTree == context.TargetNode.SyntaxTree && context.TargetNode.Span.Contains(first.Span));
            }
        }

        return true;
    }

    private static bool IsPartialAll(INamedTypeSymbol type, CancellationToken ct)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            bool partial = t.DeclaringSyntaxReferences.Any(r =>
                r.GetSyntax(ct) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                return false;
            }
        }

        return true;
    }

    private static bool NamedBool(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is bool value)
            {
                return value;
            }
        }

        return false;
    }

    private static int? NamedInt(AttributeData attribute, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is int value)
            {
                return value;
            }
        }

        return null;
    }

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    internal static string Short(string qualified) =>
        qualified.StartsWith("global::", StringComparison.Ordinal) ? qualified.Substring(8) : qualified;
}
