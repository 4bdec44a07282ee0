using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;

namespace FsmV2;

/// <summary>
/// Renders the templates in a child's spec with its <see cref="VariableBundle"/>, using Liquid templates (the Fluid
/// engine) in strict mode:
/// <list type="bullet">
/// <item>a variable, member or index that does not exist is an error naming the path, the child and the field — never an empty string;</item>
/// <item>an unknown filter is an error naming the filter;</item>
/// <item>a syntax error names the line and column;</item>
/// <item>templates see only the flattened variables (<see cref="VariableBundle.Flatten"/>) as plain values: no .NET members, no files (<c>include</c>/<c>render</c> fail), and at most <see cref="TemplateRendererOptions.MaxSteps"/> statements per render.</item>
/// </list>
/// Parsed templates are cached by their text, so rendering the same template for many children parses it once. Text
/// without <c>{{</c> or <c>{%</c> is returned as is, without parsing. Thread-safe.
/// </summary>
public sealed partial class TemplateRenderer
{
    private const int MaxQuotedTemplateLength = 200;

    private readonly FluidParser _parser = new();
    private readonly TemplateOptions _templateOptions;
    private readonly ConcurrentDictionary<string, Lazy<ParsedTemplate>> _cache = new(StringComparer.Ordinal);
    private readonly int _maxCachedTemplates;
    private long _parseCount;

    /// <summary>Creates a renderer.</summary>
    /// <param name="options">Limits; <see langword="null"/> for the defaults. Copied, then validated.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public TemplateRenderer(TemplateRendererOptions? options = null)
    {
        var copy = options?.Clone() ?? new TemplateRendererOptions();
        copy.Validate();
        _maxCachedTemplates = copy.MaxCachedTemplates;
        _templateOptions = new TemplateOptions
        {
            StrictVariables = true,
            StrictFilters = true,
            MaxSteps = copy.MaxSteps,
            CultureInfo = CultureInfo.InvariantCulture,
        };
    }

    /// <summary>How many parsed templates (or cached syntax errors) the renderer holds.</summary>
    public int CachedTemplateCount => _cache.Count;

    /// <summary>How many times a template text was parsed (cache misses); for tests and diagnostics.</summary>
    internal long ParseCount => Interlocked.Read(ref _parseCount);

    /// <summary>
    /// Renders one template. Never throws for a bad template or missing variables: the result carries the error.
    /// </summary>
    /// <param name="template">The template text; <see langword="null"/> gives a <see cref="TemplateErrorKind.MissingTemplate"/> error.</param>
    /// <param name="variables">The child's variables (already merged with its parent's).</param>
    /// <param name="childName">The child's name, for error messages.</param>
    /// <param name="field">The spec field holding the template, for error messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/>, <paramref name="childName"/> or <paramref name="field"/> is <see langword="null"/>.</exception>
    public TemplateResult Render(string? template, VariableBundle variables, string childName, string field)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(childName);
        ArgumentNullException.ThrowIfNull(field);

        if (template is null)
        {
            return TemplateResult.Failure(new TemplateError(
                TemplateErrorKind.MissingTemplate, childName, field, null, null, null, null,
                $"Field '{field}' of child '{childName}' has no template (null)."));
        }

        if (!IsTemplate(template))
        {
            return TemplateResult.Success(template);
        }

        var parsed = GetOrParse(template);
        if (parsed.Template is null)
        {
            return TemplateResult.Failure(new TemplateError(
                TemplateErrorKind.Syntax, childName, field, template, null, parsed.Line, parsed.Column,
                $"Template of child '{childName}', field '{field}', has a syntax error{At(parsed)}: {parsed.SyntaxError}. Template: {Quote(template)}"));
        }

        var context = new TemplateContext(_templateOptions);
        TemplateValues.SetInto(context, variables.Flatten());
        try
        {
            return TemplateResult.Success(parsed.Template.Render(context, NullEncoder.Default));
        }
        catch (UndefinedVariableException e)
        {
            return UndefinedVariable(e.Path, template, childName, field);
        }
        catch (FluidException e)
        {
            var undefinedVariable = UndefinedVariablePattern().Match(e.Message);
            if (undefinedVariable.Success)
            {
                return UndefinedVariable(undefinedVariable.Groups[1].Value, template, childName, field);
            }

            var undefinedFilter = UndefinedFilterPattern().Match(e.Message);
            if (undefinedFilter.Success)
            {
                string filter = undefinedFilter.Groups[1].Value;
                return TemplateResult.Failure(new TemplateError(
                    TemplateErrorKind.UnknownFilter, childName, field, template, filter, null, null,
                    $"Template of child '{childName}', field '{field}', uses unknown filter '{filter}'. Template: {Quote(template)}"));
            }

            return RuntimeError(e, template, childName, field);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException or ArithmeticException or NotSupportedException or IOException)
        {
            return RuntimeError(e, template, childName, field);
        }
    }

    /// <summary>Renders one template, throwing when it does not render.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="variables">The child's variables.</param>
    /// <param name="childName">The child's name, for error messages.</param>
    /// <param name="field">The spec field holding the template, for error messages.</param>
    /// <exception cref="TemplateRenderException">The template did not render; carries the child, field and variable.</exception>
    public string RenderOrThrow(string? template, VariableBundle variables, string childName, string field) =>
        Render(template, variables, childName, field).GetValueOrThrow();

    /// <summary>
    /// Renders every field of a user spec (field → template or plain text). Tries all fields and reports every one
    /// that fails; never throws for bad templates or missing variables.
    /// </summary>
    /// <param name="spec">The spec; the field names are kept as given.</param>
    /// <param name="variables">The child's variables (already merged with its parent's).</param>
    /// <param name="childName">The child's name, for error messages.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public SpecRenderResult RenderSpec(IReadOnlyDictionary<string, string?> spec, VariableBundle variables, string childName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(childName);

        var values = new Dictionary<string, string>(spec.Count, StringComparer.Ordinal);
        List<TemplateError>? errors = null;
        foreach (var (field, template) in spec)
        {
            var result = Render(template, variables, childName, field);
            if (result.Error is { } error)
            {
                (errors ??= []).Add(error);
            }
            else
            {
                values[field] = result.Value!;
            }
        }

        return new SpecRenderResult(values, errors);
    }

    /// <summary>Renders every field of a user spec, throwing when any field does not render.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="variables">The child's variables.</param>
    /// <param name="childName">The child's name, for error messages.</param>
    /// <exception cref="TemplateRenderException">A field did not render; the message is the first error's and lists the other failed fields.</exception>
    public IReadOnlyDictionary<string, string> RenderSpecOrThrow(IReadOnlyDictionary<string, string?> spec, VariableBundle variables, string childName) =>
        RenderSpec(spec, variables, childName).GetValuesOrThrow();

    /// <summary>Empties the parsed-template cache.</summary>
    public void ClearCache() => _cache.Clear();

    /// <summary>The cached parse of <paramref name="template"/>, if any; for tests.</summary>
    internal object? CachedParse(string template) => _cache.TryGetValue(template, out var parsed) ? parsed.Value.Template : null;

    private static bool IsTemplate(string text) =>
        text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    private ParsedTemplate GetOrParse(string template)
    {
        if (_cache.TryGetValue(template, out var parsed))
        {
            return parsed.Value;
        }

        if (_cache.Count >= _maxCachedTemplates)
        {
            _cache.Clear();
        }

        // One parse per template even when threads race: only the Lazy that wins the slot runs.
        return _cache.GetOrAdd(template, static (text, self) => new Lazy<ParsedTemplate>(() => self.Parse(text), LazyThreadSafetyMode.ExecutionAndPublication), this).Value;
    }

    private ParsedTemplate Parse(string template)
    {
        Interlocked.Increment(ref _parseCount);
        if (!_parser.TryParse(template, out var fluidTemplate, out string error))
        {
            // The engine's message reads "<what> at (line:column)" followed by the source line; keep the first part.
            string firstLine = error.Split('\n', 2)[0].Trim();
            var position = PositionPattern().Match(firstLine);
            int? line = position.Success ? int.Parse(position.Groups[1].Value, CultureInfo.InvariantCulture) : null;
            int? column = position.Success ? int.Parse(position.Groups[2].Value, CultureInfo.InvariantCulture) : null;
            string what = position.Success ? firstLine[..position.Index].Trim() : firstLine;
            return new ParsedTemplate(null, what, line, column);
        }

        return new ParsedTemplate(new StrictMemberRewriter().VisitTemplate(fluidTemplate), null, null, null);
    }

    private static TemplateResult UndefinedVariable(string path, string template, string childName, string field) =>
        TemplateResult.Failure(new TemplateError(
            TemplateErrorKind.UndefinedVariable, childName, field, template, path, null, null,
            $"Template of child '{childName}', field '{field}', reads undefined variable '{path}': declare it (user, global or internal variables) or remove it from the template. Template: {Quote(template)}"));

    private static TemplateResult RuntimeError(Exception e, string template, string childName, string field) =>
        TemplateResult.Failure(new TemplateError(
            TemplateErrorKind.Runtime, childName, field, template, null, null, null,
            $"Template of child '{childName}', field '{field}', failed to render: {e.Message} Template: {Quote(template)}"));

    private static string At(ParsedTemplate parsed) =>
        parsed.Line is { } line && parsed.Column is { } column ? $" at line {line}, column {column}" : string.Empty;

    private static string Quote(string template) =>
        template.Length <= MaxQuotedTemplateLength ? $"'{template}'" : $"'{template[..MaxQuotedTemplateLength]}…' ({template.Length} characters)";

    [GeneratedRegex(@"^Undefined variable '([^']*)'")]
    private static partial Regex UndefinedVariablePattern();

    [GeneratedRegex(@"^Undefined filter '([^']*)'")]
    private static partial Regex UndefinedFilterPattern();

    [GeneratedRegex(@"at \((\d+):(\d+)\)")]
    private static partial Regex PositionPattern();

    private sealed record ParsedTemplate(IFluidTemplate? Template, string? SyntaxError, int? Line, int? Column);
}
