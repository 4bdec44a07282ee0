namespace FsmV2;

/// <summary>
/// Limits of a <see cref="TemplateRenderer"/>. Checked by <see cref="Validate"/> when the renderer is created, so a bad
/// value fails at start with the option's name.
/// </summary>
public sealed class TemplateRendererOptions
{
    /// <summary>
    /// How many parsed templates the renderer keeps (keyed by template text). When full, the cache is emptied and
    /// refilled, which bounds memory if templates are generated. Default 1,024.
    /// </summary>
    public int MaxCachedTemplates { get; set; } = 1024;

    /// <summary>
    /// How many statements one render may execute before it fails (a guard against a template that loops over a huge
    /// range). Default 10,000.
    /// </summary>
    public int MaxSteps { get; set; } = 10_000;

    /// <summary>Checks every option; throws naming the first one that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is zero or negative.</exception>
    public void Validate()
    {
        if (MaxCachedTemplates <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCachedTemplates), MaxCachedTemplates, $"TemplateRendererOptions.MaxCachedTemplates must be positive (was {MaxCachedTemplates}).");
        }

        if (MaxSteps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, $"TemplateRendererOptions.MaxSteps must be positive (was {MaxSteps}).");
        }
    }

    /// <summary>A copy, so a renderer keeps the values it was created with.</summary>
    public TemplateRendererOptions Clone() => (TemplateRendererOptions)MemberwiseClone();
}
