using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FsmV2.Analyzers;

/// <summary>
/// FSMV019: a child spec added to the children of a parent (<c>ChildSpecs&lt;P&gt;.Add</c>, a call or a collection
/// initializer) for a worker that is not <c>[ChildOf(typeof(P))]</c>. Such a call binds to the unconstrained
/// <c>Add(ChildSpec)</c> overload, so the compiler's generic-constraint error (CS0311) gives way to this diagnostic,
/// reported on the spec expression.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChildSpecAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ChildNotOfParent);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            INamedTypeSymbol? childSpecs = start.Compilation.GetTypeByMetadataName("FsmV2.ChildSpecs`1");
            INamedTypeSymbol? childSpec = start.Compilation.GetTypeByMetadataName("FsmV2.ChildSpec`1");
            if (childSpecs is null || childSpec is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, childSpecs, childSpec), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol childSpecs, INamedTypeSymbol childSpec)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name != "Add" || method.IsGenericMethod || invocation.Arguments.Length != 1 ||
            !SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, childSpecs) ||
            method.ContainingType.TypeArguments[0] is not INamedTypeSymbol { TypeKind: not TypeKind.Error } parent)
        {
            return;
        }

        IOperation spec = invocation.Arguments[0].Value;
        while (spec is IConversionOperation { IsImplicit: true } conversion)
        {
            spec = conversion.Operand;
        }

        if (ChildOf(spec.Type, childSpec) is not { TypeKind: not TypeKind.Error } child || ChildOfRule.Declares(child, parent))
        {
            return;
        }

        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticDescriptors.ChildProperty, MetadataName(child))
            .Add(DiagnosticDescriptors.ParentProperty, MetadataName(parent));
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ChildNotOfParent, spec.Syntax.GetLocation(), properties, child.Name, parent.Name));
    }

    /// <summary>The <c>TChild</c> of the <c>ChildSpec&lt;TChild&gt;</c> that <paramref name="type"/> is or derives from.</summary>
    private static INamedTypeSymbol? ChildOf(ITypeSymbol? type, INamedTypeSymbol childSpec)
    {
        for (INamedTypeSymbol? t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, childSpec))
            {
                return t.TypeArguments[0] as INamedTypeSymbol;
            }
        }

        return null;
    }

    /// <summary>The name <c>Compilation.GetTypeByMetadataName</c> finds <paramref name="type"/> by (nested types with '+').</summary>
    private static string MetadataName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            name = t.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}
