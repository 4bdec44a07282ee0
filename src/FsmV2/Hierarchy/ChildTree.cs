namespace FsmV2;

/// <summary>
/// The children of one parent worker: one <see cref="ChildLifecycle"/> per child name, reconciled to the parent's
/// <see cref="IHasChildren.Children"/> and supervised right before the parent decides. A full comparison runs only
/// when the parent's desired state changed or a wanted child left; otherwise reconciling is a version compare, so a
/// steady tree costs nothing extra.
/// </summary>
/// <remarks>
/// The tick is the only writer. Readers on other threads (status, gauges) iterate <see cref="_published"/>, a
/// <see cref="LiveList{T}"/>: adding a child and dropping one are O(1) amortised, and readers see a consistent prefix.
/// </remarks>
internal sealed class ChildTree
{
    private readonly SupervisorContext _context;
    private readonly WorkerIdentity _parent;
    private readonly Func<VariableBundle> _variables;
    private readonly Dictionary<string, ChildLifecycle> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exited = new(StringComparer.Ordinal);
    private readonly List<SupervisedChild> _plan = [];
    private readonly LiveList<ChildLifecycle> _published = new();
    private VariableBundle? _inherited;
    private ChildHealth[] _health = [];
    private RestartPlanner? _planner;
    private long _version = -1;
    private bool _dirty;
    private int _wanted;

    /// <param name="context">What the supervisor's workers share.</param>
    /// <param name="parent">The parent worker.</param>
    /// <param name="variables">The parent's effective variables, which its children inherit.</param>
    public ChildTree(SupervisorContext context, WorkerIdentity parent, Func<VariableBundle> variables)
    {
        _context = context;
        _parent = parent;
        _variables = variables;
    }

    /// <summary>Supervised children, including those waiting to restart, unstartable or winding down.</summary>
    public int Count => _published.Count;

    public void Reconcile(IReadOnlyList<ChildSpec>? specs, long version, DateTimeOffset now, bool parentShuttingDown)
    {
        VariableBundle inherited = _variables();
        if (version == _version && !_dirty && inherited.Equals(_inherited)) // by value: a parent's reconcile rebuilds equal bundles
        {
            return;
        }

        long started = _context.Time.GetTimestamp();
        _inherited = inherited;
        _version = version;
        _dirty = false;
        _wanted = 0;
        foreach (ChildLifecycle child in _published)
        {
            child.Wanted = false;
        }

        if (specs is not null && !parentShuttingDown)
        {
            ReconcileListed(specs, now);
        }

        foreach (ChildLifecycle child in _published)
        {
            if (!child.Wanted)
            {
                LeaveGracefully(child, "no longer wanted by its parent", now);
            }
        }

        _context.Metrics.Reconciled(_parent.WorkerType, _context.Time.GetElapsedTime(started));
    }

    private void ReconcileListed(IReadOnlyList<ChildSpec> specs, DateTimeOffset now)
    {
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i] is not { } spec)
            {
                Log.ChildSpecMissing(_context.Logger, _parent.Id, i);
                continue; // a null entry: the parent and the other children go on
            }

            if (_exited.Contains(spec.Name))
            {
                continue; // a Transient or Temporary child that finished: not started again
            }

            try
            {
                ReconcileOne(spec, now);
            }
#pragma warning disable CA1031 // Contained: one child's spec never stops its parent or its siblings.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ChildSpecInvalid(_context.Logger, ex, _parent.Id, spec.Name, ex.Message);
            }
        }

        if (_exited.Count > 0)
        {
            ForgetExitedNoLongerListed(specs);
        }
    }

    // Its own method, called only when a child has exited: the closure over specs is allocated on entry.
    private void ForgetExitedNoLongerListed(IReadOnlyList<ChildSpec> specs) =>
        _exited.RemoveWhere(name => !specs.Any(s => s?.Name == name));

    private void ReconcileOne(ChildSpec spec, DateTimeOffset now)
    {
        if (spec.Enabled)
        {
            _wanted++; // counted even when it cannot be created: the parent sees it missing
        }

        if (!_byName.TryGetValue(spec.Name, out ChildLifecycle? existing))
        {
            var child = new ChildLifecycle(_context, _parent, spec, now) { Wanted = true, Inherited = _inherited! };
            _byName.Add(spec.Name, child);
            _published.Add(child);
            child.Start(now, "added");
            if (child.Slot is { } slot)
            {
                Log.ChildAdded(_context.Logger, _parent.Id, slot.Identity.Id, slot.Identity.WorkerType);
            }

            return;
        }

        existing.Wanted = true;
        existing.Inherited = _inherited!;
        if (existing.State == ChildLifecycleState.Leaving)
        {
            _dirty = true; // wanted again while winding down: started anew once it has left
            return;
        }

        Update(existing, spec, now);
    }

    // A listed child that exists: prepare its new spec and, if it asks for something else, give it to the live instance.
    private void Update(ChildLifecycle existing, ChildSpec spec, DateTimeOffset now)
    {
        try
        {
            spec.Prepare(_context, _parent, _inherited!);
        }
#pragma warning disable CA1031 // A template that does not render: the child keeps its previous spec.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ChildSpecInvalid(_context.Logger, ex, _parent.Id, spec.Name, ex.Message);
            return;
        }

        if (existing.Slot is { } slot)
        {
            slot.Variables = spec.Variables; // its own children inherit the new ones even if its spec is unchanged
        }

        if (existing.Spec.SameAs(spec))
        {
            return;
        }

        if (!existing.IsLive || existing.Slot is null)
        {
            existing.Spec = spec; // the next instance runs it
            return;
        }

        try
        {
            spec.Apply(existing.Slot, now);
            existing.Spec = spec;
            Log.ChildUpdated(_context.Logger, _parent.Id, existing.Id);
        }
#pragma warning disable CA1031 // The child's derive threw: a fault of the child, which keeps its previous spec.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ChildUpdateFailed(_context.Logger, ex, _parent.Id, existing.Id);
            existing.Slot.RecordFault(ex is InvalidOperationException { InnerException: { } inner } ? inner : ex, "derive", now);
        }
    }

    /// <summary>Ticks every child (and so, recursively, their children). A child's failure stays in its subtree.</summary>
    public void Tick(DateTimeOffset now, bool stopChildren)
    {
        bool anyGone = false;
        foreach (ChildLifecycle child in _published)
        {
            if (child.Tick(now, stopChildren))
            {
                _exited.Add(child.Spec.Name); // left on its own, normally: only Permanent children come back
            }

            anyGone |= child.State == ChildLifecycleState.Gone;
        }

        if (anyGone)
        {
            DropGone(now);
        }
    }

    public ChildrenView View(DateTimeOffset now)
    {
        int healthy = 0, unhealthy = 0, stopped = 0;
        int total = 0;
        foreach (ChildLifecycle child in _published)
        {
            if (child.State == ChildLifecycleState.Gone)
            {
                continue; // dropped at the end of this tick
            }

            total++;
            ChildCondition condition = child.IsLive || child.State == ChildLifecycleState.Leaving ? child.Slot!.Health(now) : ChildCondition.Unhealthy;
            switch (condition)
            {
                case ChildCondition.Healthy: healthy++; break;
                case ChildCondition.Stopped: stopped++; break;
                case ChildCondition.Unhealthy: unhealthy++; break;
            }
        }

        return new ChildrenView(total, healthy, unhealthy, stopped, _wanted);
    }

    /// <summary>Children, grandchildren and so on (any thread).</summary>
    public int DescendantCount
    {
        get
        {
            int count = 0;
            foreach (ChildLifecycle child in _published)
            {
                count += 1 + (child.Slot?.DescendantCount ?? 0);
            }

            return count;
        }
    }

    /// <summary>Children, grandchildren and so on whose circuit is not closed (any thread).</summary>
    public int OpenCircuitCount
    {
        get
        {
            int count = 0;
            foreach (ChildLifecycle child in _published)
            {
                // A child waiting to restart counts with its last instance's circuits: it is down because they opened.
                count += child.State is ChildLifecycleState.Gone or ChildLifecycleState.Unstartable ? 0 : child.Slot?.OpenCircuitCount ?? 0;
            }

            return count;
        }
    }

    /// <summary>Asks every child to shut down (the parent is leaving).</summary>
    public void RequestShutdown(DateTimeOffset now)
    {
        foreach (ChildLifecycle child in _published)
        {
            child.Wanted = false;
            LeaveGracefully(child, "its parent is leaving", now);
        }
    }

    /// <summary>Stops every child at once (forced shutdown of the parent).</summary>
    public Task StopAllAsync()
    {
        ChildLifecycle[] children = _published.TakeAll();
        _byName.Clear();
        var stops = new Task[children.Length];
        for (int i = 0; i < children.Length; i++)
        {
            stops[i] = children[i].StopAsync();
        }

        return Task.WhenAll(stops);
    }

    /// <summary>Adds each child's status and, depth first, its descendants' (any thread).</summary>
    public void AppendStatus(List<WorkerStatus> into, DateTimeOffset now)
    {
        foreach (ChildLifecycle child in _published)
        {
            if (child.State == ChildLifecycleState.Gone)
            {
                continue;
            }

            into.Add(child.Status(now));
            if (child.IsLive || child.State is ChildLifecycleState.Leaving or ChildLifecycleState.Failed)
            {
                child.Slot?.AppendDescendants(into, now);
            }
        }
    }

    /// <summary>The child (or deeper descendant) with id <paramref name="id"/>, or <see langword="null"/> (any thread).</summary>
    public ChildLifecycle? Find(string id)
    {
        foreach (ChildLifecycle child in _published)
        {
            if (id == child.Id)
            {
                return child;
            }

            if (WorkerIdentity.IsBelow(id, child.Id))
            {
                return child.Slot?.FindChild(id);
            }
        }

        return null;
    }

    private void LeaveGracefully(ChildLifecycle child, string reason, DateTimeOffset now)
    {
        if (child.State is ChildLifecycleState.Leaving or ChildLifecycleState.Gone)
        {
            return;
        }

        Log.ChildRemoving(_context.Logger, _parent.Id, child.Id);
        child.Leave(reason, now); // graceful: an action in flight finishes first
    }

    private void DropGone(DateTimeOffset now)
    {
        foreach (ChildLifecycle child in _published)
        {
            if (child.State != ChildLifecycleState.Gone)
            {
                continue;
            }

            if (child.Wanted && !_exited.Contains(child.Spec.Name))
            {
                child.Start(now, "wanted again after it left"); // the same lifecycle: restart count and history stay
                continue;
            }

            _published.Drop(child); // a tombstone the enumeration skips; compacted into a new array later
            _byName.Remove(child.Spec.Name);
            _context.Store.Remove(child.Id);
            Log.ChildRemoved(_context.Logger, _parent.Id, child.Id);
        }
    }

    /// <summary>
    /// The parent's verdict on its live children: none has an open fault circuit, has gone silent (a stale
    /// observation) or has overrun its startup timeout, and the sanity checks pass. A failure that names one of
    /// these children fails it, so it is restarted. Allocation-free when all is well.
    /// </summary>
    public HealthResult CheckHealth(InfrastructureHealthChecker checker, DateTimeOffset now)
    {
        if (_health.Length < _published.Count)
        {
            _health = new ChildHealth[_published.Count * 2];
        }

        int n = 0;
        foreach (ChildLifecycle child in _published)
        {
            if (n == _health.Length)
            {
                break; // the tick is the only writer: cannot happen, but never index past the buffer
            }

            if (child.IsLive && child.Slot is { } slot && !slot.IsIsolated)
            {
                bool healthy = !slot.IsStale(now) && !child.StartupExpired(now);
                _health[n++] = new ChildHealth(child.Id, Exists: true, Healthy: healthy, slot.FaultCircuit);
            }
        }

        HealthResult result = checker.Check<ChildHealth>(_health.AsSpan(0, n), now);
        if (!result.IsHealthy && result.ChildId is { } named && FindOwn(named) is { IsLive: true } failed)
        {
            if (failed.StartupExpired(now))
            {
                Log.ChildStartupTimedOut(_context.Logger, _parent.Id, failed.Id, failed.Spec.StartupTimeout!.Value.TotalMilliseconds, failed.Slot!.StateName);
            }

            failed.Fail(result.Reason ?? "unhealthy", now);
        }

        return result;
    }

    // One of this parent's own children, by full id or by name (a sanity check may name either).
    private ChildLifecycle? FindOwn(string idOrName)
    {
        if (_byName.TryGetValue(idOrName, out ChildLifecycle? byName))
        {
            return byName;
        }

        string prefix = _parent.Id + "/";
        return idOrName.StartsWith(prefix, StringComparison.Ordinal) && _byName.TryGetValue(idOrName[prefix.Length..], out ChildLifecycle? byId) ? byId : null;
    }

    /// <summary>Whether a child failed and was not restarted (the restart intensity was exceeded).</summary>
    public bool HasFailed
    {
        get
        {
            foreach (ChildLifecycle child in _published)
            {
                if (child.State == ChildLifecycleState.Failed)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Restarts every failed child per <paramref name="strategy"/> and the restart policies, each after its own
    /// backoff delay. Returns <see langword="false"/> when the restart intensity is exceeded: nothing more is
    /// restarted, the children not restarted stay <see cref="ChildLifecycleState.Failed"/>, and the parent must fail itself.
    /// </summary>
    public bool RestartFailed(RestartStrategy strategy, DateTimeOffset now)
    {
        foreach (ChildLifecycle failed in _published)
        {
            if (failed.State == ChildLifecycleState.Failed && !RestartOne(failed, strategy, now))
            {
                return false;
            }
        }

        return true;
    }

    private bool RestartOne(ChildLifecycle failed, RestartStrategy strategy, DateTimeOffset now)
    {
        _plan.Clear();
        int i = 0;
        foreach (ChildLifecycle c in _published)
        {
            ChildExit exit = ReferenceEquals(c, failed) ? ChildExit.Abnormal : c.IsLive ? ChildExit.Running : ChildExit.Abnormal;
            _plan.Add(new SupervisedChild(c.Id, c.Spec.Policy, exit, i++));
        }

        _planner ??= new RestartPlanner(_context.Options.RestartIntensity, _context.Time); // this parent's intensity window
        RestartPlan plan = _planner.PlanAndCount(strategy, _plan, failed.Id);
        if (plan.Escalate)
        {
            RestartIntensityOptions limit = _context.Options.RestartIntensity;
            Log.RestartIntensityExceeded(_context.Logger, _parent.Id, $"more than {limit.MaxRestarts} restarts within {limit.Window.TotalSeconds:0} s");
            return false;
        }

        Apply(plan, failed, strategy, now);
        return true;
    }

    private void Apply(RestartPlan plan, ChildLifecycle failed, RestartStrategy strategy, DateTimeOffset now)
    {
        foreach (string id in plan.ToRemove)
        {
            ChildLifecycle temporary = _byName[id[(_parent.Id.Length + 1)..]];
            Log.ChildNotRestarted(_context.Logger, _parent.Id, id, temporary.Spec.Policy);
            _exited.Add(temporary.Spec.Name);
            temporary.Remove($"a bystander of {failed.Id}'s restart and {temporary.Spec.Policy}: not restarted", now);
        }

        if (plan.ToRestart.Count == 0)
        {
            if (failed.State == ChildLifecycleState.Failed) // not restarted by its policy: it has ended
            {
                _exited.Add(failed.Spec.Name);
                failed.Remove(plan.Reason, now);
            }

            return;
        }

        TimeSpan delay = failed.NextRestartDelay(); // the siblings restart with the child that failed
        foreach (string id in plan.ToRestart)
        {
            ChildLifecycle child = _byName[id[(_parent.Id.Length + 1)..]];
            if (ReferenceEquals(child, failed) || child.IsLive)
            {
                Log.ChildRestarting(_context.Logger, _parent.Id, id, strategy, plan.Reason);
                child.StopForRestart(ReferenceEquals(child, failed) ? failed.Reason : $"restarted with {failed.Id} ({strategy})", strategy, delay, now);
            }
        }
    }
}
