namespace FsmV2;

/// <summary>Raised inside a render when a member path does not resolve; turned into a <see cref="TemplateError"/> by the renderer.</summary>
internal sealed class UndefinedVariableException : Exception
{
    public UndefinedVariableException()
        : this(string.Empty)
    {
    }

    public UndefinedVariableException(string path)
        : base($"Undefined variable '{path}'")
    {
        Path = path;
    }

    public UndefinedVariableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    public string Path { get; }
}
