namespace FsmV2;

/// <summary>
/// The outcome of rendering one template: the rendered text, or the <see cref="TemplateError"/> that explains why
/// not. A value type, so a successful render on the hot path allocates nothing beyond the text itself.
/// </summary>
public readonly struct TemplateResult : IEquatable<TemplateResult>
{
    private readonly string? _value;

    private TemplateResult(string? value, TemplateError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>Whether the template rendered.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The rendered text when <see cref="IsSuccess"/>; otherwise <see langword="null"/>.</summary>
    public string? Value => _value;

    /// <summary>Why the template did not render; <see langword="null"/> on success.</summary>
    public TemplateError? Error { get; }

    /// <summary>A successful result.</summary>
    /// <param name="value">The rendered text.</param>
    public static TemplateResult Success(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A failed result.</summary>
    /// <param name="error">Why it failed.</param>
    public static TemplateResult Failure(TemplateError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>The rendered text, or throws the error as a <see cref="TemplateRenderException"/>.</summary>
    /// <exception cref="TemplateRenderException">The template did not render.</exception>
    public string GetValueOrThrow() => Error is null ? _value ?? string.Empty : throw Error.ToException();

    /// <summary>Equal when both succeeded with the same text, or both failed with equal errors.</summary>
    /// <param name="other">The result to compare with.</param>
    public bool Equals(TemplateResult other) => string.Equals(_value, other._value, StringComparison.Ordinal) && Equals(Error, other.Error);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TemplateResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_value, Error);

    /// <summary>The text, or the error message.</summary>
    public override string ToString() => Error?.Message ?? _value ?? string.Empty;

    /// <summary>Equality operator.</summary>
    /// <param name="left">One result.</param>
    /// <param name="right">The other.</param>
    public static bool operator ==(TemplateResult left, TemplateResult right) => left.Equals(right);

    /// <summary>Inequality operator.</summary>
    /// <param name="left">One result.</param>
    /// <param name="right">The other.</param>
    public static bool operator !=(TemplateResult left, TemplateResult right) => !left.Equals(right);
}
