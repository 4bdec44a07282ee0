namespace FsmV2;

/// <summary>
/// One child a parent worker wants: its name (unique among its siblings), its worker type, its spec and whether
/// it is enabled. Parents put these in their desired state (see <see cref="IHasChildren"/>); the supervisor
/// reconciles the live children to them every tick. Create them with the generated <c>AsChild</c> factory of a
/// <see cref="ChildOfAttribute">[ChildOf]</see> worker and collect them with <see cref="ChildSpecs{TParent}"/>.
/// </summary>
public abstract class ChildSpec
{
    /// <summary>One renderer (and parse cache) for every templated child, whatever its type.</summary>
    private protected static readonly TemplateRenderer Renderer = new();

    private protected ChildSpec(string name, bool enabled)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Child name '{name}' must not contain '/', which separates levels of a worker id.", nameof(name));
        }

        Name = name;
        Enabled = enabled;
    }

    /// <summary>The child's name, unique among its siblings; its id is the parent's id, a slash and this name.</summary>
    public string Name { get; }

    /// <summary>
    /// Whether the child should run. A disabled child stays resident (its state and observations are kept) with
    /// <see cref="Snapshot{TDesired, TObserved}.StopRequested"/> set, so it winds down to a stopped state.
    /// </summary>
    public bool Enabled { get; }

    /// <summary>
    /// Whether the child is restarted when it fails or exits: <see cref="RestartPolicy.Permanent"/> (the default)
    /// always, <see cref="RestartPolicy.Transient"/> only after a failure, <see cref="RestartPolicy.Temporary"/>
    /// never (not even as a bystander of a sibling's restart).
    /// </summary>
    public RestartPolicy Policy { get; private protected set; } = RestartPolicy.Permanent;

    /// <summary>
    /// How long the child may take, after it starts or restarts, to reach a running phase before that counts as
    /// its failure; <see langword="null"/> (the default) for no limit. Set with
    /// <see cref="ChildSpec{TChild}.WithStartupTimeout"/>.
    /// </summary>
    public TimeSpan? StartupTimeout { get; private protected set; }

    /// <summary>
    /// How long the child may take to leave once asked to before it is stopped anyway; <see langword="null"/>
    /// (the default) for <see cref="SupervisorOptions.ShutdownTimeout"/>. Set with
    /// <see cref="ChildSpec{TChild}.WithShutdownTimeout"/>.
    /// </summary>
    public TimeSpan? ShutdownTimeout { get; private protected set; }

    /// <summary>The child's spec, as given.</summary>
    public abstract object? Spec { get; }

    /// <summary>Creates a spec for a child of type <typeparamref name="TChild"/> (used by generated <c>AsChild</c> factories).</summary>
    public static ChildSpec<TChild> Create<TChild, TDesired, TObserved>(string name, TDesired spec, Func<TChild> create, bool enabled = true)
        where TChild : class, IWorkerMachine<TDesired, TObserved>
        => new TypedChildSpec<TChild, TDesired, TObserved>(name, spec, create, enabled);

    /// <summary>
    /// Creates a spec for a child whose fields are templates, rendered (strictly) with <paramref name="variables"/>
    /// and read into its desired state by <paramref name="bind"/> (used by generated <c>AsTemplatedChild</c> factories).
    /// </summary>
    public static ChildSpec<TChild> FromTemplate<TChild, TDesired, TObserved>(
        string name,
        IReadOnlyDictionary<string, string?> template,
        VariableBundle variables,
        Func<IReadOnlyDictionary<string, string>, TDesired> bind,
        Func<TChild> create,
        bool enabled = true)
        where TChild : class, IWorkerMachine<TDesired, TObserved>
        => new TemplatedChildSpec<TChild, TDesired, TObserved>(name, template, variables, bind, create, enabled);

    /// <summary>
    /// Resolves the variables this child sees (its parent's, overlaid with its own) and renders a templated spec
    /// before it is compared or started; throws an error naming the child and the field.
    /// </summary>
    internal virtual void Prepare(SupervisorContext context, WorkerIdentity parent, VariableBundle inherited) =>
        Variables = (Spec as IHasVariables)?.Variables is { } own ? VariableBundle.Merge(inherited, own)
            : inherited.Internal.Count == 0 ? inherited // nothing to strip: the parent's bundle itself, not a copy per child
            : inherited.WithInternal(null);

    /// <summary>The variables this child's own children inherit; set by <see cref="Prepare"/>.</summary>
    internal VariableBundle Variables { get; private protected set; } = VariableBundle.Empty;

    /// <summary>Whether <paramref name="other"/> asks for exactly this child: same worker type, spec, enabled flag and supervision.</summary>
    internal abstract bool SameAs(ChildSpec other);

    /// <summary>Whether <paramref name="other"/> is supervised the same way: policy and timeouts.</summary>
    private protected bool SameSupervision(ChildSpec other) =>
        other.Policy == Policy && other.StartupTimeout == StartupTimeout && other.ShutdownTimeout == ShutdownTimeout;

    /// <summary>Creates and starts a live instance of the child, counting its restarts in <paramref name="ledger"/>.</summary>
    internal abstract WorkerSlot Start(SupervisorContext context, WorkerIdentity parent, string id, RestartLedger ledger, DateTimeOffset now);

    /// <summary>The child's worker type name, known before an instance exists (for a child that cannot be created).</summary>
    internal abstract string WorkerType { get; }

    /// <summary>The child's worker type.</summary>
    internal abstract Type ChildType { get; }

    /// <summary>Gives the live child this spec's desired state.</summary>
    internal abstract void Apply(WorkerSlot slot, DateTimeOffset now);
}
