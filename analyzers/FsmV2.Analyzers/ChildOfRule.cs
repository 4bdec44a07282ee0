using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers;

/// <summary>
/// Which parents a worker declares with <c>[ChildOf(typeof(P))]</c>. The generator (which adds <c>IChildOf&lt;P&gt;</c>
/// and the <c>AsChild</c> factories for each) and the FSMV019 analyzer (a child spec for a parent the child does not
/// name) both compile this file, so "W is a child of P" means the same to both.
/// </summary>
internal static class ChildOfRule
{
    public const string AttributeName = "FsmV2.ChildOfAttribute";

    /// <summary>Each <c>[ChildOf]</c> of <paramref name="worker"/> that names a type, with the type it names.</summary>
    public static IEnumerable<(AttributeData Attribute, INamedTypeSymbol Parent)> DeclaredParents(INamedTypeSymbol worker)
    {
        foreach (AttributeData attribute in worker.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeName &&
                attribute.ConstructorArguments.Length == 1 &&
                attribute.ConstructorArguments[0].Value is INamedTypeSymbol parent)
            {
                yield return (attribute, parent);
            }
        }
    }

    /// <summary>Whether <paramref name="worker"/> declares <c>[ChildOf(typeof(<paramref name="parent"/>))]</c>.</summary>
    public static bool Declares(INamedTypeSymbol worker, INamedTypeSymbol parent)
    {
        foreach ((AttributeData _, INamedTypeSymbol declared) in DeclaredParents(worker))
        {
            if (SymbolEqualityComparer.Default.Equals(declared, parent))
            {
                return true;
            }
        }

        return false;
    }
}
