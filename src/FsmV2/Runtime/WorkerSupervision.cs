using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>
/// The circuit breakers of one worker and the operator messages they produce.
/// <list type="bullet">
/// <item>The <em>fault</em> circuit: exceptions thrown by the worker's states, its collector or its derive are
/// counted; <see cref="SupervisorOptions.FaultThreshold"/> of them within <see cref="SupervisorOptions.FaultWindow"/>
/// open it (scope: this worker). While open, the worker does not decide or act; its collector keeps collecting.
/// After the backoff delay, one decision is let through as the probe: if it does not throw, the circuit closes.</item>
/// <item>The <em>infrastructure</em> circuit (parents only): opens when a live child has an open fault circuit, a
/// stale observation, overran its startup timeout, or a sanity check fails (scope: infrastructure, the whole
/// subtree). While open, the parent neither reconciles nor decides. The failed child is restarted on its own
/// schedule (<see cref="ChildLifecycle"/>); when the circuit's backoff delay has passed, the children are checked
/// again: healthy closes the circuit, unhealthy reopens it with the next delay.</item>
/// </list>
/// A parent whose children exceed its restart intensity fails itself: its fault circuit opens, so its own parent
/// restarts it; at the root, <see cref="Supervisor.Escalated"/> is raised. Its next probe restarts the failed
/// children again.
/// <para>An idle worker's supervision is three fields: the breakers, the fault counter and the heartbeat limiter are
/// created on first need (a fault, an operator's call, children), and share the supervisor's options and backoff policy.</para>
/// </summary>
internal sealed class WorkerSupervision
{
    private readonly WorkerIdentity _identity;
    private readonly SupervisorContext _context;
    private Lazies? _lazies;
    private volatile CircuitBreaker? _faultBreaker;
    private volatile CircuitBreaker? _infrastructure;
    private readonly WorkerHistory? _history;
    private Exception? _lastFault;

    public WorkerSupervision(WorkerIdentity identity, SupervisorContext context, WorkerHistory? history = null)
    {
        _identity = identity;
        _context = context;
        _history = history;
    }

    /// <summary>Opens on repeated faults in this worker's own code; created on first need (from any thread: an operator).</summary>
    public CircuitBreaker Faults
    {
        get
        {
            if (_faultBreaker is { } breaker)
            {
                return breaker;
            }

            lock (this)
            {
                return _faultBreaker ??= NewBreaker(_identity.Id, ErrorScope.Worker);
            }
        }
    }

    /// <summary>The fault circuit's state: closed while it has never been needed.</summary>
    public CircuitState FaultState => _faultBreaker?.State ?? CircuitState.Closed;

    /// <summary>Whether the fault circuit lets the worker decide at <paramref name="now"/> (see <see cref="CircuitBreaker.AllowsWork"/>).</summary>
    public bool AllowsWork(DateTimeOffset now) => _faultBreaker is not { } breaker || breaker.AllowsWork(now);

    private FaultCounter FaultCounter => (_lazies ??= new Lazies(_context)).Faults;

    private HeartbeatLimiter HeartbeatLimiter => (_lazies ??= new Lazies(_context)).Heartbeat;

    /// <summary>Opens when this parent's children fail; <see langword="null"/> until the worker has children.</summary>
    public CircuitBreaker? Infrastructure => _infrastructure;

    /// <summary>The worst of both circuits: what an operator sees first.</summary>
    public CircuitState Circuit => Worst(FaultState, _infrastructure?.State ?? CircuitState.Closed);

    /// <summary>The infrastructure circuit's state; closed for a worker without children.</summary>
    public CircuitState InfrastructureState => _infrastructure?.State ?? CircuitState.Closed;

    public int FaultCount { get; private set; }

    public Exception? LastFault => _lastFault;

    /// <summary>The breaker of <paramref name="scope"/>; <see langword="null"/> for the infrastructure scope of a worker without children.</summary>
    public CircuitBreaker? Breaker(ErrorScope scope) => scope == ErrorScope.Worker ? Faults : _infrastructure;

    /// <summary>Both breakers' statistics, by value.</summary>
    public WorkerCircuits Circuits() => new(_faultBreaker?.Statistics ?? CircuitBreaker.Pristine(_context.Options.Circuit.MaxAttempts), _infrastructure?.Statistics);

    /// <summary>Whether an operator isolated the fault circuit: the worker is out of service on purpose, and its parent leaves it so.</summary>
    public bool IsIsolated => _faultBreaker is { State: CircuitState.Open } breaker && breaker.Statistics.IsIsolated;

    public CircuitBreaker InfrastructureBreaker()
    {
        if (_infrastructure is { } breaker)
        {
            return breaker;
        }

        lock (this)
        {
            return _infrastructure ??= NewBreaker(_identity.Id, ErrorScope.Infrastructure);
        }
    }

    /// <summary>Records an exception from the worker's own code; opens the fault circuit at the threshold.</summary>
    public void Fault(Exception error, string where, DateTimeOffset now)
    {
        FaultCount++;
        _lastFault = error;
        _history?.Add(now, SupervisionEventKind.Fault, ErrorScope.Worker, $"{where} threw {error.GetType().Name}: {error.Message}");
        FaultCounter faults = FaultCounter;
        if (faults.Record(now) && Faults.State == CircuitState.Closed)
        {
            Faults.Trip($"{where} threw {faults.Threshold} times within {faults.Window.TotalSeconds:0} s; last: {error.GetType().Name}: {error.Message}");
        }
        else if (Faults.State == CircuitState.HalfOpen)
        {
            Faults.RecordFailure($"the probe failed: {where} threw {error.GetType().Name}: {error.Message}", now);
        }
    }

    /// <summary>A decision went through without throwing: ends a probe successfully.</summary>
    public void Decided()
    {
        if (_faultBreaker is { State: CircuitState.HalfOpen } breaker)
        {
            _lazies?.Faults.Reset();
            breaker.RecordSuccess();
        }
    }

    /// <summary>
    /// The restart intensity of this parent's children is exceeded: it fails itself (its fault circuit opens, or
    /// reopens with a longer delay when this was its probe), so its own parent restarts it; a top-level worker
    /// raises <see cref="Supervisor.Escalated"/>.
    /// </summary>
    public void FailItself(string reason, bool isRoot, DateTimeOffset now)
    {
        _context.Metrics.Escalated(_identity.WorkerType, ErrorScope.Infrastructure);
        if (Faults.State == CircuitState.HalfOpen)
        {
            Faults.RecordFailure(reason, now);
        }
        else
        {
            Faults.Trip(reason);
        }

        if (isRoot)
        {
            EscalationMessage message = OperatorMessages.Escalation(_identity.Id, ErrorScope.Infrastructure, Faults.Statistics, now);
            Remember(now, ErrorScope.Infrastructure, message);
            _context.Escalate(message);
        }
    }

    /// <summary>Logs the rate-limited heartbeat of an open circuit.</summary>
    public void Heartbeat(DateTimeOffset now)
    {
        CircuitBreaker? open = _infrastructure is { State: not CircuitState.Closed } infra ? infra : _faultBreaker is { State: not CircuitState.Closed } faults ? faults : null;
        if (open is null || !HeartbeatLimiter.ShouldEmit(now))
        {
            return;
        }

        ErrorScope scope = ReferenceEquals(open, _infrastructure) ? ErrorScope.Infrastructure : ErrorScope.Worker;
        HeartbeatFields beat = OperatorMessages.Heartbeat(_identity.Id, scope, open.Statistics, now);
        Log.CircuitHeartbeat(_context.Logger, _identity.Id, _identity.WorkerType, beat.Scope, beat.Attempt, beat.MaxAttempts, beat.Downtime.TotalSeconds, beat.NextRetryIn.TotalSeconds, beat.Status, beat.LastFailureReason ?? "unknown");
    }

    private CircuitBreaker NewBreaker(string name, ErrorScope scope)
    {
        var breaker = new CircuitBreaker(name, _context.Options.Circuit, _context.RestartBackoff, _context.Time, _context.Options.Random);
        breaker.StateChanged += (_, change) => OnChange(breaker, scope, change);
        return breaker;
    }

    private void OnChange(CircuitBreaker breaker, ErrorScope scope, CircuitStateChange change)
    {
        ILogger logger = _context.Logger;
        DateTimeOffset now = change.At;
        switch (change.To)
        {
            case CircuitState.Open:
                _history?.Add(now, SupervisionEventKind.CircuitOpened, scope, change.Reason);
                double retryIn = change.NextProbeAt is { } next ? (next - now).TotalSeconds : -1;
                Log.CircuitOpened(logger, _identity.Id, _identity.WorkerType, scope, change.Reason, change.Attempt, breaker.Options.MaxAttempts, retryIn, Impact(scope));
                if (OperatorMessages.IsPreEscalation(change, breaker.Options.MaxAttempts))
                {
                    Log.PreEscalation(logger, _identity.Id, _identity.WorkerType, scope, change.Attempt, breaker.Options.MaxAttempts);
                }

                if (OperatorMessages.IsEscalation(change, breaker.Options.MaxAttempts))
                {
                    EscalationMessage message = OperatorMessages.Escalation(_identity.Id, scope, breaker.Statistics, now);
                    _context.Metrics.Escalated(_identity.WorkerType, scope);
                    Log.Escalation(logger, _identity.Id, _identity.WorkerType, scope, message.Attempts, message.Downtime.TotalSeconds, message.RunbookSection, string.Join(" | ", message.Steps));
                    Remember(now, scope, message);
                    _context.Escalate(message);
                }

                break;
            case CircuitState.Closed when change.From != CircuitState.Closed:
                _history?.Add(now, SupervisionEventKind.CircuitClosed, scope, change.Reason);
                _lazies?.Heartbeat.Reset();
                if (scope == ErrorScope.Infrastructure)
                {
                    _context.Metrics.Recovered(_identity.WorkerType);
                }

                Log.CircuitClosed(logger, _identity.Id, _identity.WorkerType, scope, change.Reason);
                break;
        }
    }

    private void Remember(DateTimeOffset now, ErrorScope scope, EscalationMessage message) =>
        _history?.Add(now, SupervisionEventKind.Escalation, scope, $"{message.Attempts} attempt(s) over {message.Downtime}; last failure: {message.LastFailureReason ?? "(none recorded)"}");

    private static string Impact(ErrorScope scope) => scope == ErrorScope.Infrastructure
        ? "this worker and its subtree: no reconcile, decisions or actions until recovery; collectors keep running"
        : "this worker only: no decisions or actions until recovery; its collector keeps running";

    private static CircuitState Worst(CircuitState a, CircuitState b) => a == CircuitState.Open || b == CircuitState.Open ? CircuitState.Open
        : a == CircuitState.HalfOpen || b == CircuitState.HalfOpen ? CircuitState.HalfOpen
        : CircuitState.Closed;

    /// <summary>What only a worker that has faulted or whose circuit opened needs, created together on first need.</summary>
    private sealed class Lazies(SupervisorContext context)
    {
        public FaultCounter Faults { get; } = new(context.Options.FaultThreshold, context.Options.FaultWindow);

        public HeartbeatLimiter Heartbeat { get; } = new(context.Options.HeartbeatInterval, context.Time);
    }
}
