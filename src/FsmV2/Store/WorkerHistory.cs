namespace FsmV2;

/// <summary>
/// What a worker instance went through, kept with its record so a persistent store writes it: the last
/// <see cref="Length"/> supervision events and the last action results. Written off the decision path (a fault, a
/// circuit change, an action's end), read by the store's writer on its own thread.
/// </summary>
internal sealed class WorkerHistory
{
    /// <summary>How many supervision events are kept.</summary>
    public const int Length = 20;

    private readonly Lock _lock = new();
    private readonly Queue<SupervisionEvent> _events = new();
    private IReadOnlyList<ActionResult> _actions = []; // restored ones, until the instance's own first action ends
    private ActionHistory? _source; // the instance's action results, once one has ended
    private long _version;

    /// <summary>Increases with every change.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>The last supervision events, oldest first (a copy).</summary>
    public IReadOnlyList<SupervisionEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.Count == 0 ? [] : [.. _events];
            }
        }
    }

    /// <summary>The last action results, oldest first.</summary>
    public IReadOnlyList<ActionResult> Actions => Volatile.Read(ref _source)?.Current ?? Volatile.Read(ref _actions);

    public void Add(DateTimeOffset at, SupervisionEventKind kind, ErrorScope scope, string detail)
    {
        lock (_lock)
        {
            if (_events.Count == Length)
            {
                _events.Dequeue();
            }

            _events.Enqueue(new SupervisionEvent(at, kind, scope, detail));
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>An action of the instance has ended and is in <paramref name="results"/> (the same ring every time).</summary>
    public void ActionEnded(ActionHistory results)
    {
        if (_source != results)
        {
            Volatile.Write(ref _source, results);
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>Restores what a persistent store kept (on resume, before the instance runs).</summary>
    public void Restore(IReadOnlyList<SupervisionEvent> events, IReadOnlyList<ActionResult> actions)
    {
        lock (_lock)
        {
            _events.Clear();
            foreach (SupervisionEvent e in events.Skip(Math.Max(0, events.Count - Length)))
            {
                _events.Enqueue(e);
            }

            Volatile.Write(ref _actions, actions);
            Interlocked.Increment(ref _version);
        }
    }
}
