namespace FsmV2.Generators;

/// <summary>Names of the incremental steps, so tests can assert each one is cached when nothing changed.</summary>
internal static class TrackingNames
{
    public const string Workers = nameof(Workers);

    /// <summary>The machine models alone, so a diagnostic that only moved does not re-emit a file.</summary>
    public const string Models = nameof(Models);

    /// <summary>The diagnostics alone.</summary>
    public const string Diagnostics = nameof(Diagnostics);
}
