using System.Text;

namespace FsmV2;

/// <summary>
/// The variables a worker's spec is rendered with, in three namespaces:
/// <list type="bullet">
/// <item><see cref="User"/> — declared by the user in the configuration; inherited by children, a child's own win.</item>
/// <item><see cref="Global"/> — set by the operator for the whole tree (cluster-wide settings); inherited the same way.</item>
/// <item><see cref="Internal"/> — set by the runtime for one worker (its id, its parent's name…); never inherited.</item>
/// </list>
/// plus the worker's ISA-95 <see cref="Location"/>. Immutable; equality is structural and <see cref="ContentHash"/> is
/// stable across processes, so a supervisor can re-render a child's spec only when its variables changed.
/// </summary>
public sealed class VariableBundle : IEquatable<VariableBundle>
{
    /// <summary>The top-level name under which <see cref="Flatten"/> puts the <see cref="Global"/> variables.</summary>
    public const string GlobalKey = "global";

    /// <summary>The top-level name under which <see cref="Flatten"/> puts the <see cref="Internal"/> variables.</summary>
    public const string InternalKey = "internal";

    /// <summary>The top-level name under which <see cref="Flatten"/> puts the location's five levels.</summary>
    public const string LocationKey = "location";

    /// <summary>The top-level name under which <see cref="Flatten"/> puts <see cref="Isa95Location.Path"/>.</summary>
    public const string LocationPathKey = "location_path";

    private static readonly string[] ReservedKeys = [GlobalKey, InternalKey, LocationKey, LocationPathKey];

    private VariableMap? _flattened;
    private string? _contentHash;

    /// <summary>Creates a bundle; every map is checked and copied into an immutable <see cref="VariableMap"/>.</summary>
    /// <param name="user">User variables (top level in templates).</param>
    /// <param name="global">Global variables (under <c>global</c> in templates).</param>
    /// <param name="internal">Internal variables (under <c>internal</c> in templates).</param>
    /// <param name="location">The worker's location (<c>location</c> and <c>location_path</c> in templates).</param>
    /// <exception cref="ArgumentException">
    /// A value has a type templates cannot see, or a user variable uses a reserved name (<c>global</c>, <c>internal</c>,
    /// <c>location</c>, <c>location_path</c>), which would be hidden by the namespace of the same name.
    /// </exception>
    public VariableBundle(
        IEnumerable<KeyValuePair<string, object?>>? user = null,
        IEnumerable<KeyValuePair<string, object?>>? global = null,
        IEnumerable<KeyValuePair<string, object?>>? @internal = null,
        Isa95Location? location = null)
    {
        User = VariableMap.From(user);
        foreach (string reserved in ReservedKeys)
        {
            if (User.ContainsKey(reserved))
            {
                throw new ArgumentException(
                    $"User variable '{reserved}' uses a reserved name: templates see '{reserved}' as a namespace of the runtime. Rename the variable.",
                    nameof(user));
            }
        }

        Global = VariableMap.From(global);
        Internal = VariableMap.From(@internal);
        Location = location ?? Isa95Location.Empty;
    }

    /// <summary>The bundle with no variables and no location.</summary>
    public static VariableBundle Empty { get; } = new();

    /// <summary>Variables declared by the user; inherited by children (a child's own win).</summary>
    public VariableMap User { get; }

    /// <summary>Tree-wide variables set by the operator; inherited by children (a child's own win).</summary>
    public VariableMap Global { get; }

    /// <summary>Variables the runtime sets for this worker only; not inherited.</summary>
    public VariableMap Internal { get; }

    /// <summary>The worker's ISA-95 location; inherited level by level (see <see cref="Isa95Location.Merge"/>).</summary>
    public Isa95Location Location { get; }

    /// <summary>
    /// The stable content hash (lowercase hex SHA-256) over all three namespaces and the location. Equal bundles have
    /// equal hashes in every process.
    /// </summary>
    public string ContentHash => _contentHash ??= ComputeContentHash();

    /// <summary>
    /// What a template sees: the <see cref="User"/> variables at the top level, <see cref="Global"/> under
    /// <c>global</c>, <see cref="Internal"/> under <c>internal</c>, the location's levels under <c>location</c> and its
    /// path as <c>location_path</c>. The namespaces and location keys are always present (possibly empty), so a
    /// strict template can read <c>{{ location.site }}</c> even when no site is set. Built once per bundle.
    /// </summary>
    public VariableMap Flatten() => _flattened ??= VariableMap.From(
        User.Append(new(GlobalKey, Global))
            .Append(new(InternalKey, Internal))
            .Append(new(LocationKey, Location.ToVariables()))
            .Append(new(LocationPathKey, Location.Path)));

    /// <summary>
    /// The bundle a child is rendered with: <see cref="User"/> and <see cref="Global"/> are the parent's overlaid with
    /// the child's (a child's variable replaces the parent's of the same name; the override is per top-level name, not a
    /// deep merge of nested maps); <see cref="Internal"/> is the child's own only (never inherited); the location is
    /// merged level by level.
    /// </summary>
    /// <param name="parent">The parent's (already merged) bundle.</param>
    /// <param name="child">The child's own declarations.</param>
    public static VariableBundle Merge(VariableBundle parent, VariableBundle child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(child);
        return new VariableBundle(
            parent.User.Overlay(child.User),
            parent.Global.Overlay(child.Global),
            child.Internal,
            Isa95Location.Merge(parent.Location, child.Location));
    }

    /// <summary>A copy with different user variables.</summary>
    /// <param name="user">The new user variables.</param>
    public VariableBundle WithUser(IEnumerable<KeyValuePair<string, object?>>? user) => new(user, Global, Internal, Location);

    /// <summary>A copy with different global variables.</summary>
    /// <param name="global">The new global variables.</param>
    public VariableBundle WithGlobal(IEnumerable<KeyValuePair<string, object?>>? global) => new(User, global, Internal, Location);

    /// <summary>A copy with different internal variables.</summary>
    /// <param name="internal">The new internal variables.</param>
    public VariableBundle WithInternal(IEnumerable<KeyValuePair<string, object?>>? @internal) => new(User, Global, @internal, Location);

    /// <summary>A copy with a different location.</summary>
    /// <param name="location">The new location.</param>
    public VariableBundle WithLocation(Isa95Location? location) => new(User, Global, Internal, location);

    /// <summary>Structural equality of all three namespaces and the location.</summary>
    /// <param name="other">The bundle to compare with.</param>
    public bool Equals(VariableBundle? other) =>
        ReferenceEquals(this, other)
        || (other is not null && User.Equals(other.User) && Global.Equals(other.Global) && Internal.Equals(other.Internal) && Location.Equals(other.Location));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VariableBundle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(User, Global, Internal, Location);

    /// <summary>A short description for debugging.</summary>
    public override string ToString() => $"user {User}, global {Global}, internal {Internal}, location '{Location.Path}'";

    private string ComputeContentHash()
    {
        var sb = new StringBuilder();
        sb.Append("user");
        VariableMap.WriteCanonical(sb, User);
        sb.Append("global");
        VariableMap.WriteCanonical(sb, Global);
        sb.Append("internal");
        VariableMap.WriteCanonical(sb, Internal);
        sb.Append("location");
        VariableMap.WriteCanonical(sb, Location.ToVariables());
        return VariableMap.Hash(sb);
    }
}
