using Fluid.Ast;

namespace FsmV2;

/// <summary>
/// Rewrites every member path with more than one segment (<c>conn.host</c>, <c>list[0].name</c>) into a
/// <see cref="StrictMemberExpression"/>, so a missing member fails naming the whole path. Single identifiers are left
/// to the engine's own strict-variables check, which already names them.
/// </summary>
internal sealed class StrictMemberRewriter : AstRewriter
{
    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        var rewritten = base.VisitMemberExpression(memberExpression);
        return rewritten is MemberExpression { Segments.Count: > 1 } member ? new StrictMemberExpression(member) : rewritten;
    }
}
