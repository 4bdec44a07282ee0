namespace FsmV2;

/// <summary>
/// Where a worker sits in the ISA-95 equipment hierarchy: enterprise → site → area → line → cell. Every level is
/// optional. A parent passes its location down and a child adds or overrides levels (<see cref="Merge"/>); the
/// result is exposed to templates as <c>location</c> (a map with all five levels, empty where unset) and
/// <c>location_path</c> (<see cref="Path"/>).
/// </summary>
/// <remarks>A level may not contain a dot, since dots separate the levels in <see cref="Path"/>. Blank levels count as unset.</remarks>
public sealed record Isa95Location
{
    private readonly string? _enterprise;
    private readonly string? _site;
    private readonly string? _area;
    private readonly string? _line;
    private readonly string? _cell;

    /// <summary>Creates a location; blank levels are stored as unset.</summary>
    /// <param name="enterprise">The company.</param>
    /// <param name="site">The plant or site.</param>
    /// <param name="area">The area within the site.</param>
    /// <param name="line">The production line within the area.</param>
    /// <param name="cell">The work cell within the line.</param>
    /// <exception cref="ArgumentException">A level contains a dot.</exception>
    public Isa95Location(string? enterprise = null, string? site = null, string? area = null, string? line = null, string? cell = null)
    {
        Enterprise = enterprise;
        Site = site;
        Area = area;
        Line = line;
        Cell = cell;
    }

    /// <summary>The location with no level set.</summary>
    public static Isa95Location Empty { get; } = new();

    /// <summary>The names of the levels, from the top of the hierarchy down, as templates see them under <c>location</c>.</summary>
    public static IReadOnlyList<string> LevelNames { get; } = ["enterprise", "site", "area", "line", "cell"];

    /// <summary>The company (ISA-95 enterprise), or <see langword="null"/>.</summary>
    public string? Enterprise { get => _enterprise; init => _enterprise = Level(value, nameof(Enterprise)); }

    /// <summary>The plant or site, or <see langword="null"/>.</summary>
    public string? Site { get => _site; init => _site = Level(value, nameof(Site)); }

    /// <summary>The area within the site, or <see langword="null"/>.</summary>
    public string? Area { get => _area; init => _area = Level(value, nameof(Area)); }

    /// <summary>The production line, or <see langword="null"/>.</summary>
    public string? Line { get => _line; init => _line = Level(value, nameof(Line)); }

    /// <summary>The work cell, or <see langword="null"/>.</summary>
    public string? Cell { get => _cell; init => _cell = Level(value, nameof(Cell)); }

    /// <summary>Whether no level is set.</summary>
    public bool IsEmpty => _enterprise is null && _site is null && _area is null && _line is null && _cell is null;

    /// <summary>
    /// The set levels joined with dots, from enterprise down, skipping unset ones: <c>acme.plant-a.line-3</c> for an
    /// enterprise, a site and a line. Empty when no level is set.
    /// </summary>
    public string Path => string.Join('.', Levels().Where(static level => level is not null));

    /// <summary>
    /// Combines a parent's location with a child's: every level the child sets wins, every level it leaves unset is
    /// inherited. Either side may be <see langword="null"/> (treated as <see cref="Empty"/>).
    /// </summary>
    /// <param name="parent">The location passed down.</param>
    /// <param name="child">The child's own levels.</param>
    public static Isa95Location Merge(Isa95Location? parent, Isa95Location? child)
    {
        if (parent is null || parent.IsEmpty)
        {
            return child ?? Empty;
        }

        if (child is null || child.IsEmpty)
        {
            return parent;
        }

        return new Isa95Location(
            child.Enterprise ?? parent.Enterprise,
            child.Site ?? parent.Site,
            child.Area ?? parent.Area,
            child.Line ?? parent.Line,
            child.Cell ?? parent.Cell);
    }

    /// <summary>
    /// The five levels as a variable map (<c>enterprise</c>, <c>site</c>, <c>area</c>, <c>line</c>, <c>cell</c>), unset
    /// levels as empty strings so a strict template may read any level.
    /// </summary>
    public VariableMap ToVariables()
    {
        var values = new KeyValuePair<string, object?>[5];
        int i = 0;
        foreach (string? level in Levels())
        {
            values[i] = new KeyValuePair<string, object?>(LevelNames[i], level ?? string.Empty);
            i++;
        }

        return VariableMap.From(values);
    }

    /// <summary>The path, for logs.</summary>
    public override string ToString() => Path;

    private IEnumerable<string?> Levels()
    {
        yield return _enterprise;
        yield return _site;
        yield return _area;
        yield return _line;
        yield return _cell;
    }

    private static string? Level(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Isa95Location.{name} '{value}' contains a dot; dots separate the levels of the location path.", name.ToLowerInvariant());
        }

        return value;
    }
}
