namespace FsmV2;

/// <summary>
/// A child whose spec is a template: a map of fields whose values may use variables (strict Liquid, see
/// <see cref="TemplateRenderer"/>), rendered with the child's <see cref="VariableBundle"/> and bound to the child's
/// desired type. It is rendered when the parent reconciles a changed spec; the child is updated only when its
/// rendered fields changed, so a variable change updates exactly the children that use it.
/// </summary>
internal sealed class TemplatedChildSpec<TChild, TDesired, TObserved> : ChildSpec<TChild>
    where TChild : class, IWorkerMachine<TDesired, TObserved>
{
    private readonly IReadOnlyDictionary<string, string?> _template;
    private readonly VariableBundle _variables;
    private readonly Func<IReadOnlyDictionary<string, string>, TDesired> _bind;
    private readonly Func<TChild> _create;
    private SpecRenderResult? _rendered;
    private TDesired _desired = default!;

    public TemplatedChildSpec(
        string name,
        IReadOnlyDictionary<string, string?> template,
        VariableBundle variables,
        Func<IReadOnlyDictionary<string, string>, TDesired> bind,
        Func<TChild> create,
        bool enabled)
        : base(name, enabled)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(create);
        _template = template;
        _variables = variables;
        _bind = bind;
        _create = create;
    }

    /// <summary>The rendered fields, once rendered; otherwise the template.</summary>
    public override object? Spec => _rendered?.Values ?? (object)_template;

    private protected override ChildSpec<TChild> Copy() => new TemplatedChildSpec<TChild, TDesired, TObserved>(Name, _template, _variables, _bind, _create, Enabled);

    /// <summary>Renders and binds the spec (once); throws an error that names the child, the field and the variable.</summary>
    internal override void Prepare(SupervisorContext context, WorkerIdentity parent, VariableBundle inherited)
    {
        VariableBundle variables = VariableBundle.Merge(inherited, _variables);
        if (_rendered is not null && variables.Equals(Variables))
        {
            return;
        }

        Variables = variables;
        long started = context.Time.GetTimestamp();
        SpecRenderResult rendered = Renderer.RenderSpec(_template, variables, $"{parent.Id}/{Name}");
        context.Metrics.TemplateRendered(typeof(TChild).Name, context.Time.GetElapsedTime(started));

        if (!rendered.IsSuccess)
        {
            throw rendered.Errors[0].ToException();
        }

        try
        {
            _desired = _bind(rendered.Values);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException(
                $"Child '{parent.Id}/{Name}': its rendered spec could not be read as {typeof(TDesired).Name}: {ex.Message}", ex);
        }

        _rendered = rendered;
    }

    internal override bool SameAs(ChildSpec other) =>
        other is TemplatedChildSpec<TChild, TDesired, TObserved> typed &&
        typed.Enabled == Enabled &&
        SameSupervision(typed) &&
        typed._rendered is not null && _rendered is not null &&
        typed._rendered.ContentHash == _rendered.ContentHash;

    internal override WorkerSlot Start(SupervisorContext context, WorkerIdentity parent, string id, RestartLedger ledger, DateTimeOffset now) =>
        TypedChildSpec<TChild, TDesired, TObserved>.StartWorker(_create, Name, _desired, context, parent, id, ledger, now);

    internal override void Apply(WorkerSlot slot, DateTimeOffset now) =>
        TypedChildSpec<TChild, TDesired, TObserved>.ApplyDesired(slot, _desired, now);
}
