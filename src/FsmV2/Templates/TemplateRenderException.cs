namespace FsmV2;

/// <summary>
/// Thrown by the throwing conveniences of <see cref="TemplateRenderer"/> when a template does not render. Carries the
/// <see cref="TemplateError"/>, and its child, field and variable for callers that match on them.
/// </summary>
public sealed class TemplateRenderException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public TemplateRenderException()
        : this("A template did not render.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TemplateRenderException(string message)
        : base(message)
    {
        ChildName = string.Empty;
        Field = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TemplateRenderException(string message, Exception innerException)
        : base(message, innerException)
    {
        ChildName = string.Empty;
        Field = string.Empty;
    }

    /// <summary>Creates the exception for a render error; the message is the error's.</summary>
    /// <param name="error">The error.</param>
    public TemplateRenderException(TemplateError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message)
    {
        Error = error;
        ChildName = error.ChildName;
        Field = error.Field;
        VariableName = error.VariableName;
    }

    /// <summary>The render error, when the exception was created from one.</summary>
    public TemplateError? Error { get; }

    /// <summary>The child whose spec did not render (empty when unknown).</summary>
    public string ChildName { get; }

    /// <summary>The spec field whose template did not render (empty when unknown).</summary>
    public string Field { get; }

    /// <summary>The undefined variable's path or the unknown filter's name, when that was the cause.</summary>
    public string? VariableName { get; }
}
