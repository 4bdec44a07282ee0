namespace FsmV2;

/// <summary>
/// Why one field of one child's spec could not be rendered. <see cref="Message"/> is written for an operator: it names
/// the child, the field, the variable or filter at fault (or the position of a syntax error) and quotes the template.
/// </summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="ChildName">The child whose spec was being rendered.</param>
/// <param name="Field">The spec field that holds the template.</param>
/// <param name="Template">The template text (<see langword="null"/> for <see cref="TemplateErrorKind.MissingTemplate"/>).</param>
/// <param name="VariableName">
/// For <see cref="TemplateErrorKind.UndefinedVariable"/>: the path that does not resolve, as written in the template
/// (<c>conn.port</c>, <c>global.region</c>); for <see cref="TemplateErrorKind.UnknownFilter"/>: the filter's name;
/// otherwise <see langword="null"/>.
/// </param>
/// <param name="Line">For <see cref="TemplateErrorKind.Syntax"/>: the 1-based line of the error; otherwise <see langword="null"/>.</param>
/// <param name="Column">For <see cref="TemplateErrorKind.Syntax"/>: the 1-based column of the error; otherwise <see langword="null"/>.</param>
/// <param name="Message">The full, operator-facing message.</param>
public sealed record TemplateError(
    TemplateErrorKind Kind,
    string ChildName,
    string Field,
    string? Template,
    string? VariableName,
    int? Line,
    int? Column,
    string Message)
{
    /// <summary>The exception that carries this error, for callers that prefer to throw.</summary>
    public TemplateRenderException ToException() => new(this);

    /// <summary>The message.</summary>
    public override string ToString() => Message;
}
