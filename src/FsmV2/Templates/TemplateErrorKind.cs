namespace FsmV2;

/// <summary>Why a template could not be rendered.</summary>
public enum TemplateErrorKind
{
    /// <summary>The template reads a variable (or a member of one) that does not exist. Strict mode: never rendered as empty.</summary>
    UndefinedVariable,

    /// <summary>The template applies a filter that does not exist.</summary>
    UnknownFilter,

    /// <summary>The template does not parse; <see cref="TemplateError.Line"/> and <see cref="TemplateError.Column"/> say where.</summary>
    Syntax,

    /// <summary>The template parsed but failed while rendering (for example, a loop over too many steps or an <c>include</c>, which templates may not use).</summary>
    Runtime,

    /// <summary>The field has no template at all (<see langword="null"/>).</summary>
    MissingTemplate,
}
