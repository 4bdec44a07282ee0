using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace FsmV2.Generators;

/// <summary>
/// For a project that references FsmV2.Toolkit.Hosting: one <c>AddWorker&lt;TWorker&gt;(id, spec)</c> and one
/// <c>AddWorker&lt;TWorker&gt;(id, configurationSection)</c> extension of <c>IFsmV2Builder</c> per pair of desired and
/// observed types its workers use, with <c>TWorker</c> constrained to <c>IWorkerMachine&lt;TDesired, TObserved&gt;</c>.
/// C# drops the overloads whose constraint the given worker does not meet, so <c>AddWorker&lt;PumpWorker&gt;</c>
/// binds to PumpWorker's pair and the types are not written out (ADR 0020). A separate generator with its own
/// output file: it reads only the worker's class and its <c>IWorker&lt;,&gt;</c>, never the machine model, so a
/// broken worker (reported by <see cref="WorkerGenerator"/>) costs it nothing and adds no errors.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RegistrationGenerator : IIncrementalGenerator
{
    private const string BuilderType = "FsmV2.Hosting.IFsmV2Builder";
    private const string WorkerInterface = "FsmV2.IWorker`2";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<ImmutableArray<SpecPair>> pairs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WorkerModelBuilder.WorkerAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, _) => PairOf(ctx.TargetSymbol as INamedTypeSymbol))
            .Where(static pair => pair is not null)
            .Select(static (pair, _) => pair!.Value)
            .Collect();

        IncrementalValueProvider<string?> target = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(BuilderType) is null ? null : compilation.AssemblyName ?? "App");

        context.RegisterSourceOutput(pairs.Combine(target), static (spc, input) =>
        {
            (ImmutableArray<SpecPair> found, string? assembly) = input;
            if (assembly is null || found.IsEmpty)
            {
                return; // no hosting in this project, or no workers
            }

            spc.AddSource("FsmV2.WorkerRegistrations.g.cs", SourceText.From(Emit(found, assembly), Encoding.UTF8));
        });
    }

    /// <summary>The worker's desired and observed types, when it is a closed class whose types the assembly can name.</summary>
    private static SpecPair? PairOf(INamedTypeSymbol? worker)
    {
        if (worker is null || worker.TypeKind != TypeKind.Class || IsGenericOrInGeneric(worker))
        {
            return null;
        }

        INamedTypeSymbol[] workerInterfaces = [.. worker.AllInterfaces.Where(i => MetadataName(i) == WorkerInterface)];
        if (workerInterfaces.Length != 1 || !workerInterfaces[0].TypeArguments.All(IsNameable))
        {
            return null;
        }

        ImmutableArray<ITypeSymbol> args = workerInterfaces[0].TypeArguments;
        return new SpecPair(
            args[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            args[1].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
    }

    private static string MetadataName(INamedTypeSymbol type) =>
        type.OriginalDefinition.ContainingNamespace.ToDisplayString() + "." + type.OriginalDefinition.MetadataName;

    private static bool IsGenericOrInGeneric(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A known type an internal class of the same assembly can use in a signature (no private or protected nesting).</summary>
    private static bool IsNameable(ITypeSymbol type) => type switch
    {
        IErrorTypeSymbol => false,
        IArrayTypeSymbol array => IsNameable(array.ElementType),
        INamedTypeSymbol named => IsAccessible(named) && named.TypeArguments.All(IsNameable),
        _ => false,
    };

    private static bool IsAccessible(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    private static string Emit(ImmutableArray<SpecPair> found, string assembly)
    {
        const string Dam = "[global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(global::System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicConstructors)] ";
        const string Binding = "\"Binds the spec type from configuration by reflection (ConfigurationBinder); its members must be preserved.\"";
        var text = new StringBuilder()
            .AppendLine("// <auto-generated/>")
            .AppendLine("#nullable enable")
            .AppendLine("namespace FsmV2.Hosting")
            .AppendLine("{");
        // One class per pair: C# does not tell overloads apart by their constraints, so each lives in a class of its own.
        int index = 0;
        foreach (SpecPair pair in found.Distinct().OrderBy(p => p.Desired, System.StringComparer.Ordinal).ThenBy(p => p.Observed, System.StringComparer.Ordinal))
        {
            string machine = $"global::FsmV2.IWorkerMachine<{pair.Desired}, {pair.Observed}>";
            string types = $"TWorker, {pair.Desired}, {pair.Observed}";
            text.AppendLine($"    /// <summary>AddWorker&lt;TWorker&gt; for this assembly's workers of <c>{Escape(pair.Desired)}</c> and <c>{Escape(pair.Observed)}</c> (FsmV2 generator).</summary>")
                .AppendLine("    [global::System.CodeDom.Compiler.GeneratedCode(\"FsmV2.Generators\", null)]")
                .AppendLine($"    internal static class FsmV2WorkerRegistrations_{Identifier(assembly)}_{index++}")
                .AppendLine("    {")
                .AppendLine("        /// <summary>Adds a worker; see <see cref=\"global::FsmV2.Hosting.FsmV2BuilderExtensions\"/>.</summary>")
                .AppendLine($"        public static global::FsmV2.Hosting.IFsmV2Builder AddWorker<{Dam}TWorker>(this global::FsmV2.Hosting.IFsmV2Builder builder, string id, {pair.Desired} spec)")
                .AppendLine($"            where TWorker : class, {machine}")
                .AppendLine($"            => global::FsmV2.Hosting.FsmV2BuilderExtensions.AddWorker<{types}>(builder, id, spec);")
                .AppendLine()
                .AppendLine("        /// <summary>Adds a worker whose spec is bound from a configuration section and updated on reload.</summary>")
                .AppendLine($"        [global::System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode({Binding})]")
                .AppendLine($"        [global::System.Diagnostics.CodeAnalysis.RequiresDynamicCode({Binding})]")
                .AppendLine($"        public static global::FsmV2.Hosting.IFsmV2Builder AddWorker<{Dam}TWorker>(this global::FsmV2.Hosting.IFsmV2Builder builder, string id, global::Microsoft.Extensions.Configuration.IConfiguration section)")
                .AppendLine($"            where TWorker : class, {machine}")
                .AppendLine($"            => global::FsmV2.Hosting.FsmV2BuilderExtensions.AddWorker<{types}>(builder, id, section);")
                .AppendLine("    }")
                .AppendLine();
        }

        return text.AppendLine("}").ToString();
    }

    private static string Identifier(string name) => new([.. name.Select(c => char.IsLetterOrDigit(c) ? c : '_')]);

    private static string Escape(string type) => type.Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A worker's desired and observed types, fully qualified.</summary>
    private readonly record struct SpecPair(string Desired, string Observed);
}
