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
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byName = new(StringComparer.Ordinal);
    private long _version = -1;
    private bool _dirty;
    private int _wanted;

    public ChildTree(SupervisorContext context, WorkerIdentity parent)
    {
        _context = context;
        _parent = parent;
    }

    /// <summary>Live children, including those winding down.</summary>
    public int Count => _entries.Count;

    public void Reconcile(IReadOnlyList<ChildSpec>? specs, long version, DateTimeOffset now, bool parentShuttingDown)
    {
        if (version == _version && !_dirty)
        {
            return;
        }

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
                ReconcileOne(spec, now);
            }
        }

        foreach (Entry entry in _entries)
        {
            if (!entry.Wanted && !entry.Leaving)
            {
                entry.Leaving = true;
                Log.ChildRemoving(_context.Logger, _parent.Id, entry.Slot.Identity.Id);
                entry.Slot.RequestShutdown(cancelAction: false); // graceful: an action in flight finishes first
            }
        }

        _context.Metrics.Reconciled(_parent.WorkerType, _context.Time.GetElapsedTime(started));
    }

    private void ReconcileOne(ChildSpec spec, DateTimeOffset now)
    {
        _byName.TryGetValue(spec.Name, out Entry? existing);
        if (existing is null)
        {
            WorkerSlot slot;
            try
            {
                slot = spec.Start(_context, _parent, now);
            }
            catch (Exception ex)
            {
                Log.ChildStartFailed(_context.Logger, ex, _parent.Id, spec.Name);
                return;
            }

            var entry = new Entry(spec, slot) { Wanted = true };
            _entries.Add(entry);
            _byName.Add(spec.Name, entry);
            Log.ChildAdded(_context.Logger, _parent.Id, slot.Identity.Id, slot.Identity.WorkerType);
        }
        else
        {
            existing.Wanted = true;
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
            anyRemoved |= entry.Slot.IsRemoved;
        }

        if (anyRemoved)
        {
            DropRemoved();
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

    /// <summary>Asks every child to shut down (the parent is leaving).</summary>
    public void RequestShutdown()
    {
        foreach (Entry entry in _entries)
        {
            if (!entry.Leaving)
            {
                entry.Leaving = true;
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
            if (entry.Wanted)
            {
                _dirty = true; // still wanted (it left on its own, or was wanted again): start it anew
            }
        }
    }

    private sealed class Entry(ChildSpec spec, WorkerSlot slot)
    {
        public ChildSpec Spec { get; set; } = spec;

        public WorkerSlot Slot { get; } = slot;

        public bool Wanted { get; set; }

        public bool Leaving { get; set; }
    }
}
