namespace FsmV2;

/// <summary>
/// The live children of one parent worker, reconciled to the parent's <see cref="IHasChildren.Children"/> and
/// ticked right before the parent decides. A full comparison runs only when the parent's desired state changed
/// or a wanted child left; otherwise reconciling is a version compare, so a steady tree costs nothing extra.
/// </summary>
internal sealed class ChildTree
{
    private readonly SupervisorContext _context;
    private readonly WorkerIdentity _parent;
    private readonly Func<VariableBundle> _variables;
    private VariableBundle? _inherited;
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exited = new(StringComparer.Ordinal);
    private readonly List<SupervisedChild> _plan = [];
    private ChildHealth[] _health = [];
    private RestartIntensityTracker? _intensity;
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

    /// <summary>Live children, including those winding down.</summary>
    public int Count => _entries.Count;

    public void Reconcile(IReadOnlyList<ChildSpec>? specs, long version, DateTimeOffset now, bool parentShuttingDown)
    {
        VariableBundle inherited = _variables();
        if (version == _version && !_dirty && inherited.Equals(_inherited)) // by value: a parent's reconcile rebuilds equal bundles
        {
            return;
        }

        _inherited = inherited;

        long started = _context.Time.GetTimestamp();
        _version = version;
        _dirty = false;
        _wanted = 0;
        foreach (Entry entry in _entries)
        {
            entry.Wanted = false;
        }

        if (specs is not null && !parentShuttingDown)
        {
            foreach (ChildSpec spec in specs)
            {
                if (_exited.Contains(spec.Name))
                {
                    continue; // a Transient or Temporary child that finished: not started again
                }

                ReconcileOne(spec, now);
            }

            if (_exited.Count > 0)
            {
                ForgetExitedNoLongerListed(specs);
            }
        }

        foreach (Entry entry in _entries)
        {
            if (!entry.Wanted && !entry.Leaving)
            {
                entry.Leaving = true;
                entry.LeavingSince = now;
                Log.ChildRemoving(_context.Logger, _parent.Id, entry.Slot.Identity.Id);
                entry.Slot.RequestShutdown(cancelAction: false); // graceful: an action in flight finishes first
            }
        }

        _context.Metrics.Reconciled(_parent.WorkerType, _context.Time.GetElapsedTime(started));
    }

    // Its own method, called only when a child has exited: the closure over specs is allocated on entry.
    private void ForgetExitedNoLongerListed(IReadOnlyList<ChildSpec> specs) =>
        _exited.RemoveWhere(name => !specs.Any(s => s.Name == name));

    private void ReconcileOne(ChildSpec spec, DateTimeOffset now)
    {
        _byName.TryGetValue(spec.Name, out Entry? existing);
        try
        {
            spec.Prepare(_context, _parent, _inherited!);
        }
        catch (Exception ex)
        {
            // A template that does not render or a spec that cannot be read: this child keeps its previous spec (or
            // is not started); the parent and the other children go on.
            if (existing is not null)
            {
                existing.Wanted = true;
            }

            Log.ChildSpecInvalid(_context.Logger, ex, _parent.Id, spec.Name, ex.Message);
            return;
        }

        if (existing is null)
        {
            WorkerSlot slot;
            try
            {
                slot = spec.Start(_context, _parent, now);
            }
            catch (Exception ex)
            {
                // A child that cannot be created is a configuration error, not an infrastructure failure: it is
                // logged by name and tried again when the parent's desired state changes.
                Log.ChildStartFailed(_context.Logger, ex, _parent.Id, spec.Name, ex.Message);
                return;
            }

            slot.Variables = spec.Variables;
            var entry = new Entry(spec, slot, now) { Wanted = true };
            _entries.Add(entry);
            _byName.Add(spec.Name, entry);
            Log.ChildAdded(_context.Logger, _parent.Id, slot.Identity.Id, slot.Identity.WorkerType);
        }
        else
        {
            existing.Wanted = true;
            existing.Slot.Variables = spec.Variables; // its own children inherit the new ones even if its spec is unchanged
            if (existing.Leaving)
            {
                _dirty = true; // wanted again while winding down: started anew once it has left
            }
            else if (!existing.Spec.SameAs(spec))
            {
                try
                {
                    spec.Apply(existing.Slot, now);
                    existing.Spec = spec;
                    Log.ChildUpdated(_context.Logger, _parent.Id, existing.Slot.Identity.Id);
                }
                catch (Exception ex)
                {
                    Log.ChildUpdateFailed(_context.Logger, ex, _parent.Id, existing.Slot.Identity.Id);
                    existing.Slot.RecordFault(InnerOf(ex), "derive", now);
                }
            }
        }

        if (spec.Enabled)
        {
            _wanted++;
        }
    }

    /// <summary>Ticks every child (and so, recursively, their children). A child's failure stays in its subtree.</summary>
    public void Tick(DateTimeOffset now, bool stopChildren)
    {
        bool anyRemoved = false;
        for (int i = 0; i < _entries.Count; i++)
        {
            Entry entry = _entries[i];
            entry.Slot.StopRequested = stopChildren || !entry.Spec.Enabled;
            entry.Slot.Tick(now);
            if (entry.LeavingSince is { } since && !entry.Slot.IsRemoved)
            {
                TimeSpan shutdownTimeout = entry.Spec.ShutdownTimeout ?? _context.Options.ShutdownTimeout;
                if (now - since >= shutdownTimeout)
                {
                    // It did not reach a removable state in time: stopped anyway (its action cancelled), like a shutdown.
                    Log.ChildShutdownTimedOut(_context.Logger, _parent.Id, entry.Slot.Identity.Id, shutdownTimeout.TotalMilliseconds);
                    _ = entry.Slot.StopAsync();
                }
            }

            CheckStartup(entry, now);

            anyRemoved |= entry.Slot.IsRemoved;
        }

        if (anyRemoved)
        {
            DropRemoved();
        }
    }

    /// <summary>
    /// A child with a startup timeout must reach a running phase within it after it starts, restarts or is asked to
    /// run again; otherwise it counts as failed (see <see cref="CheckHealth"/>) until it runs or is restarted.
    /// </summary>
    private void CheckStartup(Entry entry, DateTimeOffset now)
    {
        if (entry.Spec.StartupTimeout is not { } limit || entry.Leaving)
        {
            return;
        }

        if (entry.Slot.StopRequested)
        {
            entry.Restarted(now); // not expected to run now: the clock starts when it is asked to run again
            return;
        }

        if (entry.Running)
        {
            return;
        }

        if (entry.Slot.Phase is LifecyclePhase.RunningHealthy or LifecyclePhase.RunningDegraded)
        {
            entry.Running = true;
            entry.StartupExpired = false;
        }
        else if (!entry.StartupExpired && now - entry.StartedAt >= limit)
        {
            entry.StartupExpired = true;
            Log.ChildStartupTimedOut(_context.Logger, _parent.Id, entry.Slot.Identity.Id, limit.TotalMilliseconds, entry.Slot.GetStatus(now).State);
        }
    }

    public ChildrenView View(DateTimeOffset now)
    {
        int healthy = 0, unhealthy = 0, stopped = 0;
        foreach (Entry entry in _entries)
        {
            switch (entry.Slot.Health(now))
            {
                case ChildCondition.Healthy: healthy++; break;
                case ChildCondition.Stopped: stopped++; break;
                case ChildCondition.Unhealthy: unhealthy++; break;
            }
        }

        return new ChildrenView(_entries.Count, healthy, unhealthy, stopped, _wanted);
    }

    /// <summary>Children, grandchildren and so on.</summary>
    public int DescendantCount
    {
        get
        {
            int count = _entries.Count;
            foreach (Entry entry in _entries)
            {
                count += entry.Slot.DescendantCount;
            }

            return count;
        }
    }

    /// <summary>Children, grandchildren and so on whose circuit is not closed.</summary>
    public int OpenCircuitCount
    {
        get
        {
            int count = 0;
            foreach (Entry entry in _entries)
            {
                count += entry.Slot.OpenCircuitCount;
            }

            return count;
        }
    }

    /// <summary>Asks every child to shut down (the parent is leaving).</summary>
    public void RequestShutdown(DateTimeOffset now)
    {
        foreach (Entry entry in _entries)
        {
            if (!entry.Leaving)
            {
                entry.Leaving = true;
                entry.LeavingSince = now;
                entry.Slot.RequestShutdown(cancelAction: false);
            }
        }
    }

    /// <summary>Stops every child at once (forced shutdown of the parent).</summary>
    public Task StopAllAsync()
    {
        var stops = new Task[_entries.Count];
        for (int i = 0; i < _entries.Count; i++)
        {
            _context.Store.Delete(_entries[i].Slot.Identity.Id);
            stops[i] = _entries[i].Slot.StopAsync();
        }

        _entries.Clear();
        _byName.Clear();
        return Task.WhenAll(stops);
    }

    public void AppendStatus(List<WorkerStatus> into, DateTimeOffset now)
    {
        foreach (Entry entry in _entries)
        {
            entry.Slot.AppendStatus(into, now);
        }
    }

    private void DropRemoved()
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            Entry entry = _entries[i];
            if (!entry.Slot.IsRemoved)
            {
                continue;
            }

            _entries.RemoveAt(i);
            _byName.Remove(entry.Spec.Name);
            _context.Store.Delete(entry.Slot.Identity.Id);
            _ = entry.Slot.StopAsync();
            Log.ChildRemoved(_context.Logger, _parent.Id, entry.Slot.Identity.Id);
            if (entry.Wanted && !entry.Leaving && !entry.Spec.Policy.ShouldRestart(ChildExit.Normal))
            {
                _exited.Add(entry.Spec.Name); // left on its own, normally: only Permanent children come back
                Log.ChildNotRestarted(_context.Logger, _parent.Id, entry.Slot.Identity.Id, entry.Spec.Policy);
            }
            else if (entry.Wanted)
            {
                _dirty = true; // still wanted (it left on its own, or was wanted again): start it anew
            }
        }
    }

    /// <summary>
    /// Checks the children for the parent's infrastructure circuit: none has an open circuit, has gone silent
    /// (a stale observation) or has overrun its startup timeout. Allocation-free when all is well.
    /// </summary>
    public HealthResult CheckHealth(InfrastructureHealthChecker checker, DateTimeOffset now)
    {
        int count = _entries.Count;
        if (_health.Length != count)
        {
            _health = new ChildHealth[count];
        }

        int i = 0;
        foreach (Entry entry in _entries)
        {
            WorkerSlot slot = entry.Slot;
            _health[i++] = new ChildHealth(slot.Identity.Id, Exists: true, Healthy: !slot.IsStale(now) && !entry.StartupExpired, slot.Circuit);
        }

        return checker.Check<ChildHealth>(_health.AsSpan(0, i), now);
    }

    /// <summary>
    /// Restarts the failed children (an open circuit, or an overrun startup timeout) per <paramref name="strategy"/>
    /// and their restart policies.
    /// Returns <see langword="false"/> when the restart intensity
    /// was exceeded: the parent must escalate.
    /// </summary>
    public bool RestartFailed(RestartStrategy strategy, DateTimeOffset now)
    {
        _intensity ??= new RestartIntensityTracker(_context.Options.RestartIntensity, _context.Time);
        foreach (Entry failed in _entries.Where(e => e.Slot.Circuit == CircuitState.Open || e.StartupExpired).ToList())
        {
            if (!_entries.Contains(failed))
            {
                continue; // already restarted as a bystander
            }

            _plan.Clear();
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = _entries[i];
                _plan.Add(new SupervisedChild(e.Slot.Identity.Id, e.Spec.Policy, ReferenceEquals(e, failed) ? ChildExit.Abnormal : ChildExit.Running, i));
            }

            RestartPlan plan = RestartPlanner.Plan(strategy, _plan, failed.Slot.Identity.Id);
            if (plan.ToRestart.Count > 0 && !_intensity.TryRecordRestart())
            {
                Log.RestartIntensityExceeded(_context.Logger, _parent.Id, $"more than {_context.Options.RestartIntensity.MaxRestarts} restarts within {_context.Options.RestartIntensity.Window.TotalSeconds:0} s");
                return false;
            }

            var stopped = new Dictionary<string, Task>(StringComparer.Ordinal);
            foreach (string id in plan.ToStop.Concat(plan.ToRestart).Concat(plan.ToRemove).Distinct())
            {
                Entry e = _entries.First(x => x.Slot.Identity.Id == id);
                _context.Store.Delete(id);
                stopped[id] = e.Slot.ActionDone;
                _ = e.Slot.StopAsync(); // cancels its action: restarted, never duplicated
            }

            foreach (string id in plan.ToRemove)
            {
                Entry e = _entries.First(x => x.Slot.Identity.Id == id);
                _entries.Remove(e);
                _byName.Remove(e.Spec.Name);
                _exited.Add(e.Spec.Name);
                Log.ChildNotRestarted(_context.Logger, _parent.Id, id, e.Spec.Policy);
            }

            foreach (string id in plan.ToRestart)
            {
                Entry e = _entries.First(x => x.Slot.Identity.Id == id);
                Log.ChildRestarting(_context.Logger, _parent.Id, id, strategy, plan.Reason);
                try
                {
                    e.Slot = e.Spec.Start(_context, _parent, now);
                    e.Restarted(now);
                    e.Slot.Variables = e.Spec.Variables;
                    e.Slot.HoldUntil(stopped[id]);
                    _context.Metrics.Restarted(e.Slot.Identity.WorkerType);
                }
                catch (Exception ex)
                {
                    Log.ChildStartFailed(_context.Logger, ex, _parent.Id, e.Spec.Name, ex.Message);
                    _entries.Remove(e);
                    _byName.Remove(e.Spec.Name);
                }
            }
        }

        return true;
    }

    private static Exception InnerOf(Exception ex) => ex is InvalidOperationException { InnerException: { } inner } ? inner : ex;

    private sealed class Entry(ChildSpec spec, WorkerSlot slot, DateTimeOffset startedAt)
    {
        public ChildSpec Spec { get; set; } = spec;

        public WorkerSlot Slot { get; set; } = slot;

        public bool Wanted { get; set; }

        public bool Leaving { get; set; }

        public DateTimeOffset? LeavingSince { get; set; }

        /// <summary>When it started, restarted or was last asked to run: where its startup timeout counts from.</summary>
        public DateTimeOffset StartedAt { get; private set; } = startedAt;

        /// <summary>Whether it has reached a running phase since <see cref="StartedAt"/>.</summary>
        public bool Running { get; set; }

        /// <summary>Whether it overran its startup timeout and has not run since: it counts as failed.</summary>
        public bool StartupExpired { get; set; }

        public void Restarted(DateTimeOffset now)
        {
            StartedAt = now;
            Running = false;
            StartupExpired = false;
        }
    }
}
