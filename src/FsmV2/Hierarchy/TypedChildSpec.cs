namespace FsmV2;

/// <summary>The concrete child spec: knows the child's desired and observed types, so it can start it.</summary>
internal sealed class TypedChildSpec<TChild, TDesired, TObserved> : ChildSpec<TChild>
    where TChild : class, IWorkerMachine<TDesired, TObserved>
{
    private readonly Func<TChild> _create;
    private readonly TDesired _spec;

    public TypedChildSpec(string name, TDesired spec, Func<TChild> create, bool enabled)
        : base(name, enabled)
    {
        ArgumentNullException.ThrowIfNull(create);
        _spec = spec;
        _create = create;
    }

    public override object? Spec => _spec;

    private protected override ChildSpec<TChild> Copy() => new TypedChildSpec<TChild, TDesired, TObserved>(Name, _spec, _create, Enabled);

    internal override bool SameAs(ChildSpec other) =>
        other is TypedChildSpec<TChild, TDesired, TObserved> typed &&
        typed.Enabled == Enabled &&
        SameSupervision(typed) &&
        EqualityComparer<TDesired>.Default.Equals(typed._spec, _spec);

    internal override WorkerSlot Start(SupervisorContext context, WorkerIdentity parent, string id, RestartLedger ledger, DateTimeOffset now) =>
        StartWorker(_create, Name, _spec, context, parent, id, ledger, now);

    internal static WorkerSlot StartWorker(Func<TChild> create, string name, TDesired spec, SupervisorContext context, WorkerIdentity parent, string id, RestartLedger ledger, DateTimeOffset now)
    {
        TChild worker = create() ?? throw new InvalidOperationException($"The factory of child '{name}' of worker '{parent.Id}' returned null.");
        var identity = new WorkerIdentity(id, worker.Definition.WorkerType); // the lifecycle's id string, not a second copy
        TDesired desired = Supervisor.Derive(worker, identity, spec);
        var record = new WorkerRecord<TDesired, TObserved>(identity, desired, now);
        context.Store.Add(record);
        var slot = new WorkerSlot<TDesired, TObserved>(worker, record, context, ledger, isChild: true);
        slot.Start();
        return slot;
    }

    internal override void Apply(WorkerSlot slot, DateTimeOffset now) => ApplyDesired(slot, _spec, now);

    /// <summary>Derives the live child's desired state from <paramref name="spec"/> and stores it.</summary>
    internal static void ApplyDesired(WorkerSlot slot, TDesired spec, DateTimeOffset now)
    {
        var typed = (WorkerSlot<TDesired, TObserved>)slot;
        typed.Record.SetDesired(Supervisor.Derive(typed.Machine, typed.Identity, spec), now);
    }
}
