using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FsmV2.Analyzers;

/// <summary>
/// Rules about a worker as a whole: the shape of its state graph (FSMV005 unreachable, FSMV006 dead end), its
/// place in the [ChildOf] tree (FSMV014 cycle) and what kind of type carries [Worker] (FSMV018).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkerGraphAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnreachableState,
        DiagnosticDescriptors.DeadEndState,
        DiagnosticDescriptors.ChildOfCycle,
        DiagnosticDescriptors.WorkerNotClass);

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

            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, symbols), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, WorkerSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!symbols.HasWorkerAttribute(type))
        {
            return;
        }

        if (type.TypeKind != TypeKind.Class || type.IsRecord)
        {
            string kind = type switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                { TypeKind: TypeKind.Enum } => "enum",
                { TypeKind: TypeKind.Delegate } => "delegate",
                _ => "type that is not a class",
            };
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.WorkerNotClass, WorkerDeclarationLocation(type, symbols, context.CancellationToken), type.Name, kind));
            return;
        }

        if (symbols.ChildOf is not null)
        {
            AnalyzeChildOfCycle(context, symbols, type);
        }

        if (!symbols.IsAcceptedWorker(type, context.CancellationToken))
        {
            return;
        }

        AnalyzeGraph(context, symbols, type);
    }

    private static void AnalyzeGraph(SymbolAnalysisContext context, WorkerSymbols symbols, INamedTypeSymbol type)
    {
        ImmutableArray<StateInfo> states = symbols.ReadStates(type);
        if (states.Length == 0)
        {
            return;
        }

        var byName = new Dictionary<string, StateInfo>(System.StringComparer.Ordinal);
        foreach (StateInfo state in states)
        {
            byName[state.Name] = state;
        }

        // FSMV006: no declared way out. A state that declares only unknown names is FSMV002's; the only state of a
        // worker may simply be its whole life.
        if (states.Length > 1)
        {
            foreach (StateInfo state in states)
            {
                if (!state.Terminal && state.Targets.Length == 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DeadEndState, state.Method.Locations.FirstOrDefault(), state.Name, type.Name));
                }
            }
        }

        // FSMV005: only with exactly one initial state (none or several is FSMV003/FSMV004).
        StateInfo[] initials = states.Where(s => s.Initial).ToArray();
        if (initials.Length != 1)
        {
            return;
        }

        var reached = new HashSet<string>(System.StringComparer.Ordinal) { initials[0].Name };
        var pending = new Stack<StateInfo>();
        pending.Push(initials[0]);
        while (pending.Count > 0)
        {
            foreach (string target in pending.Pop().Targets)
            {
                if (byName.TryGetValue(target, out StateInfo? next) && reached.Add(target))
                {
                    pending.Push(next);
                }
            }
        }

        foreach (StateInfo state in states)
        {
            if (!reached.Contains(state.Name))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnreachableState, state.Method.Locations.FirstOrDefault(), state.Name, type.Name, initials[0].Name));
            }
        }
    }

    private static void AnalyzeChildOfCycle(SymbolAnalysisContext context, WorkerSymbols symbols, INamedTypeSymbol type)
    {
        // Each worker in a cycle reports it on its own [ChildOf] that leads back to it, so every file involved
        // shows the error. A depth-first walk over parents; the path is the message.
        foreach (AttributeData attribute in type.GetAttributes())
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (ParentOf(attribute, symbols) is not { } parent)
            {
                continue;
            }

            var path = new List<INamedTypeSymbol> { type, parent };
            var visited = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            if (LeadsBackTo(type, parent, symbols, path, visited))
            {
                Location location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? IdentifierLocation(type);
                string cycle = string.Join(" → ", path.Select(t => t.Name));
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ChildOfCycle, location, type.Name, cycle));
            }
        }
    }

    private static bool LeadsBackTo(INamedTypeSymbol start, INamedTypeSymbol current, WorkerSymbols symbols, List<INamedTypeSymbol> path, HashSet<INamedTypeSymbol> visited)
    {
        if (SymbolEqualityComparer.Default.Equals(start, current))
        {
            return true;
        }

        if (!visited.Add(current))
        {
            return false;
        }

        foreach (AttributeData attribute in current.GetAttributes())
        {
            if (ParentOf(attribute, symbols) is { } parent)
            {
                path.Add(parent);
                if (LeadsBackTo(start, parent, symbols, path, visited))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
            }
        }

        return false;
    }

    /// <summary>The parent worker named by a [ChildOf] attribute; null for anything else (FSMV013 covers non-workers).</summary>
    private static INamedTypeSymbol? ParentOf(AttributeData attribute, WorkerSymbols symbols) =>
        SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.ChildOf) &&
        attribute.ConstructorArguments.Length == 1 &&
        attribute.ConstructorArguments[0].Value is INamedTypeSymbol parent &&
        parent.TypeKind == TypeKind.Class &&
        symbols.HasWorkerAttribute(parent)
            ? parent
            : null;

    /// <summary>The name of the declaration that carries [Worker] (a type may have several partial parts).</summary>
    private static Location WorkerDeclarationLocation(INamedTypeSymbol type, WorkerSymbols symbols, System.Threading.CancellationToken ct)
    {
        SyntaxNode? attribute = WorkerSymbols.Find(type.GetAttributes(), symbols.Worker)?.ApplicationSyntaxReference?.GetSyntax(ct);
        BaseTypeDeclarationSyntax? declaration = attribute?.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>();
        return declaration?.Identifier.GetLocation() ?? IdentifierLocation(type);
    }

    private static Location IdentifierLocation(INamedTypeSymbol type)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
    }
}
