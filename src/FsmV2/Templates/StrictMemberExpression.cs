using System.Globalization;
using System.Text;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace FsmV2;

/// <summary>
/// A member path evaluated segment by segment: the first segment that yields nothing (a missing key, an index past the
/// end, a member of a scalar such as <c>name.GetType</c>) fails the render with the path up to that segment. The engine
/// alone would render such a path as empty, or fail without naming it. Stays synchronous when the values are.
/// </summary>
internal sealed class StrictMemberExpression : Expression
{
    private readonly MemberExpression _root;
    private readonly IReadOnlyList<MemberSegment> _segments;

    public StrictMemberExpression(MemberExpression member)
    {
        _segments = member.Segments;
        _root = new MemberExpression(member.Segments[0]);
    }

    // CA2012: each ValueTask is read once — Result only after IsCompletedSuccessfully, otherwise handed to the await.
#pragma warning disable CA2012
    public override ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
    {
        var pending = _root.EvaluateAsync(context);
        if (!pending.IsCompletedSuccessfully)
        {
            return ContinueAsync(pending, 1, context);
        }

        FluidValue value = pending.Result;
        for (int i = 1; i < _segments.Count; i++)
        {
            pending = _segments[i].ResolveAsync(value, context);
            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(pending, i + 1, context);
            }

            value = Check(pending.Result, i);
        }

        return new ValueTask<FluidValue>(value);
    }
#pragma warning restore CA2012

    internal static string Describe(IReadOnlyList<MemberSegment> segments, int last)
    {
        var sb = new StringBuilder();
        for (int i = 0; i <= last && i < segments.Count; i++)
        {
            switch (segments[i])
            {
                case IdentifierSegment identifier:
                    if (i > 0)
                    {
                        sb.Append('.');
                    }

                    sb.Append(identifier.Identifier);
                    break;
                case IndexerSegment indexer:
                    sb.Append('[').Append(Describe(indexer.Expression)).Append(']');
                    break;
                default:
                    sb.Append("(…)");
                    break;
            }
        }

        return sb.ToString();
    }

    private static string Describe(Expression expression) => expression switch
    {
        LiteralExpression { Value: StringValue s } => "'" + s.ToStringValue() + "'",
        LiteralExpression literal => literal.Value.ToStringValue(),
        MemberExpression member => Describe(member.Segments, member.Segments.Count - 1),
        StrictMemberExpression strict => Describe(strict._segments, strict._segments.Count - 1),
        _ => "…",
    };

    private FluidValue Check(FluidValue value, int index) =>
        value.IsNil() ? throw new UndefinedVariableException(Describe(_segments, index)) : value;

    private async ValueTask<FluidValue> ContinueAsync(ValueTask<FluidValue> pending, int next, TemplateContext context)
    {
        FluidValue value = await pending.ConfigureAwait(false);
        if (next > 1)
        {
            value = Check(value, next - 1);
        }

        for (int i = next; i < _segments.Count; i++)
        {
            value = Check(await _segments[i].ResolveAsync(value, context).ConfigureAwait(false), i);
        }

        return value;
    }
}
