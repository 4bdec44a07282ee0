namespace FsmV2.Generators;

/// <summary>Names of the incremental steps, so tests can assert each one is cached when nothing changed.</summary>
internal static class TrackingNames
{
    public const string Workers = nameof(Workers);
}
