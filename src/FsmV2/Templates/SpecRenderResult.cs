using System.Text;

namespace FsmV2;

/// <summary>
/// The outcome of rendering a whole user spec (field → template): every field rendered, or the list of fields that
/// did not, each with its <see cref="TemplateError"/>. All fields are tried, so one render reports every problem.
/// </summary>
public sealed class SpecRenderResult
{
    private static readonly IReadOnlyDictionary<string, string> NoValues = new Dictionary<string, string>(0, StringComparer.Ordinal);

    private string? _contentHash;

    internal SpecRenderResult(IReadOnlyDictionary<string, string>? values, IReadOnlyList<TemplateError>? errors)
    {
        Values = errors is null ? values ?? NoValues : NoValues;
        Errors = errors ?? [];
    }

    /// <summary>Whether every field rendered.</summary>
    public bool IsSuccess => Errors.Count == 0;

    /// <summary>The rendered spec (field → text) when <see cref="IsSuccess"/>; empty otherwise, so a partly rendered spec is never used by mistake.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>One error per field that did not render, in the spec's order; empty on success.</summary>
    public IReadOnlyList<TemplateError> Errors { get; }

    /// <summary>
    /// A stable hash (lowercase hex SHA-256) of the rendered fields, independent of their order: compare it with the
    /// previous one to update a child only when its rendered spec changed. Empty when the render failed.
    /// </summary>
    public string ContentHash => _contentHash ??= ComputeContentHash();

    /// <summary>The rendered spec, or throws the first error.</summary>
    /// <exception cref="TemplateRenderException">A field did not render; the message is the first error's, and the others are listed.</exception>
    public IReadOnlyDictionary<string, string> GetValuesOrThrow()
    {
        if (IsSuccess)
        {
            return Values;
        }

        if (Errors.Count == 1)
        {
            throw Errors[0].ToException();
        }

        var first = Errors[0];
        string message = first.Message + Environment.NewLine + $"({Errors.Count - 1} more field(s) failed: "
            + string.Join(", ", Errors.Skip(1).Select(static e => $"'{e.Field}'")) + ")";
        throw new TemplateRenderException(first with { Message = message });
    }

    private string ComputeContentHash()
    {
        if (!IsSuccess)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        foreach (var (field, value) in Values.OrderBy(static kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(field.Length).Append(':').Append(field).Append(value.Length).Append(':').Append(value);
        }

        return VariableMap.Hash(sb);
    }
}
