namespace FsmV2;

/// <summary>
/// The supervision lifecycle of one child of one parent, for as long as the parent wants a child of that name:
/// it owns the child's <see cref="ChildLifecycleState"/> and every transition between states (each with a reason,
/// logged and counted), the live instance, the restart ledger and the restart backoff. Instances come and go;
/// the lifecycle, its restart count, history and backoff stay with the child's id.
/// </summary>
/// <remarks>
/// Driven by the parent's tick only (one writer). Status readers on other threads read <see cref="State"/>,
/// <see cref="Slot"/> and the ledger, each published with a volatile write.
/// </remarks>
internal sealed class ChildLifecycle : IDroppable
{
    private volatile bool _dropped;
    private readonly SupervisorContext _context;
    private readonly WorkerIdentity _parent;
    private volatile WorkerSlot? _slot;
    private volatile ChildLifecycleState _state = ChildLifecycleState.Starting;
    private volatile string _reason = "added";
    private volatile Exception? _error;
    private DateTimeOffset _since;
    private DateTimeOffset _dueAt;
    private Task _previousAction = Task.CompletedTask;
    private int _attempt;
    private BackoffState _backoff;
    private volatile string? _restartRequest;

    public ChildLifecycle(SupervisorContext context, WorkerIdentity parent, ChildSpec spec, DateTimeOffset now)
    {
        _context = context;
        _parent = parent;
        Spec = spec;
        Id = $"{parent.Id}/{spec.Name}";
        _since = now;
    }

    public string Id { get; }

    /// <summary>Set once its parent has let go of it (it left and is not wanted again).</summary>
    public bool IsDropped { get => _dropped; set => _dropped = value; }

    /// <summary>The spec the live instance runs (or the next instance will run).</summary>
    public ChildSpec Spec { get; set; }

    /// <summary>Marked by each reconcile: whether the parent still lists this child.</summary>
    public bool Wanted { get; set; }

    public ChildLifecycleState State => _state;

    /// <summary>Why the lifecycle is in its state (for a failed child: the failure).</summary>
    public string Reason => _reason;

    /// <summary>The live instance; the last one while waiting to restart; <see langword="null"/> if none was ever created.</summary>
    public WorkerSlot? Slot => _slot;

    public RestartLedger Ledger { get; } = new();

    /// <summary>Whether an instance is live and supervised (not leaving).</summary>
    public bool IsLive => _state is ChildLifecycleState.Starting or ChildLifecycleState.Running or ChildLifecycleState.Idle;

    /// <summary>When a waiting or unstartable child is tried next.</summary>
    public DateTimeOffset? DueAt => _state is ChildLifecycleState.WaitingToRestart or ChildLifecycleState.Unstartable ? _dueAt : null;

    /// <summary>The variables the parent's children inherit, as of the parent's last reconcile.</summary>
    public VariableBundle Inherited { get; set; } = VariableBundle.Empty;

    /// <summary>Creates an instance: the first, or a new one once the last has left and the child is wanted again.</summary>
    public void Start(DateTimeOffset now, string why) => TryStart(now, why);

    /// <summary>Asks for a restart now, from any thread (an operator); carried out on the parent's next tick.</summary>
    public void RequestRestart(string reason) => _restartRequest = reason;

    // An operator's restart: this child only, at once, not counted against the parent's restart intensity.
    private void RestartIfRequested(DateTimeOffset now)
    {
        if (_restartRequest is null || Interlocked.Exchange(ref _restartRequest, null) is not { } reason)
        {
            return;
        }

        if (IsLive || _state == ChildLifecycleState.Failed)
        {
            StopForRestart(reason, null, TimeSpan.Zero, now);
        }
        else if (_state is ChildLifecycleState.WaitingToRestart or ChildLifecycleState.Unstartable)
        {
            _dueAt = now; // already down: try at once
        }
    }

    /// <summary>
    /// One tick of the child: starts a due instance, ticks the live one, follows its phase, and notices a startup
    /// timeout, a left instance or an overrun shutdown. Returns <see langword="true"/> when the child left on its
    /// own and its policy does not restart it (the parent must not start it again).
    /// </summary>
    public bool Tick(DateTimeOffset now, bool stopChildren)
    {
        RestartIfRequested(now);
        if (_state is ChildLifecycleState.WaitingToRestart or ChildLifecycleState.Unstartable && now >= _dueAt)
        {
            TryStart(now, _state == ChildLifecycleState.Unstartable ? "retrying to create it" : "restart delay passed");
        }

        if (_slot is not { } slot || !(IsLive || _state == ChildLifecycleState.Leaving))
        {
            return false;
        }

        bool stop = stopChildren || !Spec.Enabled;
        slot.StopRequested = stop;
        TickInstance(slot, now);
        if (_state == ChildLifecycleState.Leaving)
        {
            FollowLeaving(slot, now);
        }
        else if (slot.IsRemoved)
        {
            return Exited(now);
        }
        else
        {
            FollowPhase(slot, stop, now);
        }

        return false;
    }

    // It signalled removal while its parent still wants it: only a Permanent child comes back (after its backoff).
    private bool Exited(DateTimeOffset now)
    {
        if (Spec.Policy.ShouldRestart(ChildExit.Normal))
        {
            StopForRestart("it left on its own and is Permanent", null, NextRestartDelay(), now);
            return false;
        }

        Log.ChildNotRestarted(_context.Logger, _parent.Id, Id, Spec.Policy);
        StopInstance();
        To(ChildLifecycleState.Gone, $"it left on its own and is {Spec.Policy}: not restarted", now);
        return true;
    }

    /// <summary>
    /// Whether the live instance was asked to run and has not reached a running phase within its startup timeout
    /// (counted from when it started, restarted or was last asked to run).
    /// </summary>
    public bool StartupExpired(DateTimeOffset now) =>
        _state == ChildLifecycleState.Starting && Spec.StartupTimeout is { } limit && now - _since >= limit;

    /// <summary>The parent (its health check, a sanity check) found this child unhealthy.</summary>
    public void Fail(string reason, DateTimeOffset now)
    {
        if (IsLive)
        {
            To(ChildLifecycleState.Failed, reason, now);
        }
    }

    /// <summary>
    /// Stops the live (or failed) instance, cancelling its action, and schedules the next one after
    /// <paramref name="delay"/>; the restart is recorded in the ledger.
    /// </summary>
    public void StopForRestart(string reason, RestartStrategy? strategy, TimeSpan delay, DateTimeOffset now)
    {
        Ledger.Record(now, reason, strategy);
        _context.Metrics.Restarted(_slot?.Identity.WorkerType ?? Spec.WorkerType);
        StopInstance();
        _dueAt = now + delay;
        To(ChildLifecycleState.WaitingToRestart, $"{reason}; next instance in {delay.TotalSeconds:0.0} s", now);
    }

    /// <summary>The delay before this child's next restart: grows with each restart until it has stayed healthy for the stability window.</summary>
    public TimeSpan NextRestartDelay() => _context.RestartBackoff.NextDelay(++_attempt, ref _backoff, _context.Options.Random ?? Random.Shared);

    /// <summary>Asks the live instance to leave gracefully (its action in flight finishes first).</summary>
    public void Leave(string reason, DateTimeOffset now)
    {
        if (_state is ChildLifecycleState.Leaving or ChildLifecycleState.Gone)
        {
            return;
        }

        if (!IsLive && _state != ChildLifecycleState.Failed)
        {
            To(ChildLifecycleState.Gone, reason, now); // nothing live to wind down
            return;
        }

        _slot!.RequestShutdown(cancelAction: false);
        To(ChildLifecycleState.Leaving, reason, now);
    }

    /// <summary>Removes the child at once (a Temporary bystander of a restart, a forced stop): its instance is stopped.</summary>
    public void Remove(string reason, DateTimeOffset now)
    {
        StopInstance();
        To(ChildLifecycleState.Gone, reason, now);
    }

    /// <summary>Stops the instance now (the parent is stopped by force); completes when it has.</summary>
    public Task StopAsync()
    {
        WorkerSlot? slot = _slot;
        if (slot is null)
        {
            return Task.CompletedTask;
        }

        _context.Store.Remove(slot.Identity.Id);
        return slot.StopAsync();
    }

    /// <summary>This child's status, with its lifecycle and restart ledger.</summary>
    public WorkerStatus Status(DateTimeOffset now)
    {
        WorkerSlot? slot = _slot;
        WorkerStatus status = slot is not null && _state != ChildLifecycleState.Unstartable ? slot.GetStatus(now) : Unstarted();
        return status with { Lifecycle = _state, NextRestartAt = DueAt, RestartHistory = Ledger.History };
    }

    private WorkerStatus Unstarted() =>
        new(Id, Spec.WorkerType, "(not created)", LifecyclePhase.Stopped, _reason, null, null, null, false, null, false,
            Ledger.Count, 0, _error, CircuitState.Closed, 0);

    private void TryStart(DateTimeOffset now, string why)
    {
        if (!TryPrepare(now))
        {
            return;
        }

        WorkerSlot slot;
        try
        {
            _context.Store.Remove(Id);
            slot = Spec.Start(_context, _parent, Id, Ledger, now);
        }
#pragma warning disable CA1031 // A child that cannot be created is a state of its own, retried with backoff.
        catch (Exception error)
#pragma warning restore CA1031
        {
            TimeSpan delay = CannotStart(error, now);
            Log.ChildStartFailed(_context.Logger, error, _parent.Id, Spec.Name, error.Message, delay.TotalSeconds);
            return;
        }

        _error = null;
        slot.Variables = Spec.Variables;
        slot.HoldUntil(_previousAction);
        _slot = slot;
        To(ChildLifecycleState.Starting, why, now);
    }

    // Renders (a templated spec) and resolves the variables; a spec that cannot be read makes the child unstartable.
    private bool TryPrepare(DateTimeOffset now)
    {
        try
        {
            Spec.Prepare(_context, _parent, Inherited);
            return true;
        }
#pragma warning disable CA1031 // A spec that cannot be read is a state of its own, retried with backoff.
        catch (Exception error)
#pragma warning restore CA1031
        {
            TimeSpan delay = CannotStart(error, now);
            Log.ChildSpecInvalid(_context.Logger, error, _parent.Id, Spec.Name, $"{error.Message}; tried again in {delay.TotalSeconds:0.0} s");
            return false;
        }
    }

    private TimeSpan CannotStart(Exception error, DateTimeOffset now)
    {
        _error = error;
        TimeSpan delay = NextRestartDelay();
        _dueAt = now + delay;
        To(ChildLifecycleState.Unstartable, $"could not be created: {error.Message}", now);
        return delay;
    }

    private void TickInstance(WorkerSlot slot, DateTimeOffset now)
    {
        try
        {
            slot.Tick(now);
        }
#pragma warning disable CA1031 // Contained: a child's failure stays in its subtree.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.TickFailed(_context.Logger, ex, slot.Identity.Id, slot.Identity.WorkerType, ex.Message);
            slot.RecordFault(ex, "tick", now);
        }
    }

    private void FollowPhase(WorkerSlot slot, bool stop, DateTimeOffset now)
    {
        if (stop)
        {
            if (_state != ChildLifecycleState.Idle)
            {
                To(ChildLifecycleState.Idle, "its parent asks it to stay stopped", now);
            }

            return;
        }

        if (_state == ChildLifecycleState.Idle)
        {
            To(ChildLifecycleState.Starting, "its parent asks it to run", now);
        }

        bool running = slot.Phase is LifecyclePhase.RunningHealthy or LifecyclePhase.RunningDegraded;
        if (_state == ChildLifecycleState.Starting && running)
        {
            To(ChildLifecycleState.Running, Reached(slot.Phase), now);
        }
        else if (_state == ChildLifecycleState.Running && _attempt > 0 && now - _since >= _context.Options.RestartStabilityWindow)
        {
            _attempt = 0; // healthy for the stability window: the next failure starts the backoff again
            _backoff.Reset();
            Log.ChildStable(_context.Logger, _parent.Id, Id, _context.Options.RestartStabilityWindow.TotalSeconds);
        }
    }

    // One reason string per phase, not one per child (a tree of a million children kept a million copies).
    private static string Reached(LifecyclePhase phase) => phase switch
    {
        LifecyclePhase.RunningHealthy => "reached RunningHealthy",
        LifecyclePhase.RunningDegraded => "reached RunningDegraded",
        _ => $"reached {phase}",
    };

    private void FollowLeaving(WorkerSlot slot, DateTimeOffset now)
    {
        if (slot.IsRemoved)
        {
            StopInstance();
            To(ChildLifecycleState.Gone, "it removed itself as asked", now);
            return;
        }

        TimeSpan limit = Spec.ShutdownTimeout ?? _context.Options.ShutdownTimeout;
        if (now - _since >= limit)
        {
            // It did not reach a removable state in time: stopped anyway (its action cancelled), like a shutdown.
            Log.ChildShutdownTimedOut(_context.Logger, _parent.Id, Id, limit.TotalMilliseconds);
            StopInstance();
            To(ChildLifecycleState.Gone, $"did not leave within {limit.TotalMilliseconds} ms; stopped", now);
        }
    }

    private void StopInstance()
    {
        if (_slot is { } slot)
        {
            _context.Store.Remove(slot.Identity.Id);
            _previousAction = slot.ActionDone;
            _ = slot.StopAsync(); // cancels its action: a restart never duplicates it
        }
    }

    private void To(ChildLifecycleState to, string reason, DateTimeOffset now)
    {
        ChildLifecycleState from = _state;
        if (from == to && reason == _reason)
        {
            return;
        }

        _reason = reason;
        _since = now;
        _state = to;
        _context.Metrics.ChildLifecycleChanged(Spec.WorkerType, to);
        Log.ChildLifecycleChanged(_context.Logger, _parent.Id, Id, from, to, reason);
    }
}
