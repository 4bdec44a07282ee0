namespace FsmV2;

/// <summary>
/// A three-state circuit breaker on an injected <see cref="TimeProvider"/>: closed (work flows), open (work is
/// refused for a backoff delay), half-open (exactly one probe is let through; its success closes the circuit and
/// resets the backoff, its failure reopens it with the next, longer delay). Operators can
/// <see cref="Isolate"/> it (open, no probes) and <see cref="Close"/> it.
/// </summary>
/// <remarks>
/// Built for the supervisor's tick: <see cref="AllowsWork"/>, <see cref="RecordSuccess"/> and
/// <see cref="RecordFailure(string)"/> allocate nothing, and a closed circuit answers
/// <see cref="AllowsWork"/> without taking the lock. State changes happen under a lock (operators call
/// <see cref="Isolate"/> and <see cref="Close"/> from other threads); <see cref="StateChanged"/> is raised after
/// the lock is released, and only on a transition, so a logging handler stays off the steady-state path.
/// </remarks>
public sealed class CircuitBreaker
{
    private const string ProbeDue = "backoff delay elapsed; one probe let through";
    private const string ProbeSucceeded = "probe succeeded";
    private const string OperatorIsolated = "isolated by operator";
    private const string OperatorClosed = "closed by operator";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly BackoffPolicy _backoff;
    private readonly Random _random;
    private readonly int _threshold;
    private readonly int _maxAttempts;
    private readonly TimeSpan _stuckOpenAfter;

    private volatile CircuitState _state;
    private bool _isolated;
    private int _consecutive;
    private long _failures;
    private long _trips;
    private int _attempt;
    private DateTimeOffset? _lastFailureAt;
    private string? _lastReason;
    private Exception? _lastException;
    private DateTimeOffset? _openedAt;
    private DateTimeOffset? _nextProbeAt;
    private TimeSpan _currentDelay;
    private BackoffState _backoffState;

    /// <summary>Creates a closed circuit breaker.</summary>
    /// <param name="name">What the breaker guards (a child id, "infrastructure"); used in messages.</param>
    /// <param name="options">Thresholds and backoff; validated and copied. Defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="random">
    /// The jitter source; <see cref="Random.Shared"/> when <see langword="null"/>. Pass a seeded instance to get
    /// reproducible probe times. It is only drawn from under the breaker's lock.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public CircuitBreaker(string name, CircuitBreakerOptions? options = null, TimeProvider? timeProvider = null, Random? random = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Options = (options ?? new CircuitBreakerOptions()).Clone();
        Options.Validate();
        Name = name;
        _time = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared;
        _backoff = new BackoffPolicy(Options.Backoff);
        _threshold = Options.FailureThreshold;
        _maxAttempts = Options.MaxAttempts;
        _stuckOpenAfter = Options.StuckOpenAfter;
    }

    /// <summary>
    /// Raised after every transition, outside the breaker's lock, on the thread that caused it. Handlers should
    /// be quick (log, count); they must not call back into a breaker they are waiting on.
    /// </summary>
    public event EventHandler<CircuitStateChange>? StateChanged;

    /// <summary>What the breaker guards.</summary>
    public string Name { get; }

    /// <summary>The validated copy of the options this breaker was created with. Do not change it.</summary>
    public CircuitBreakerOptions Options { get; }

    /// <summary>The current state (a racy read; use <see cref="Statistics"/> for a consistent view).</summary>
    public CircuitState State => _state;

    /// <summary>A consistent snapshot of every counter, by value.</summary>
    public CircuitBreakerStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new CircuitBreakerStatistics(
                    _state,
                    _isolated,
                    _failures,
                    _consecutive,
                    _lastFailureAt,
                    _lastReason,
                    _lastException,
                    _trips,
                    _openedAt,
                    _isolated ? null : _nextProbeAt,
                    _attempt,
                    _maxAttempts,
                    _currentDelay);
            }
        }
    }

    /// <summary>
    /// Whether work may go ahead at <paramref name="now"/>. Closed: yes. Open: no, until the backoff delay has
    /// passed; the first call at or after that moment turns the circuit half-open and returns
    /// <see langword="true"/> — that caller runs the probe and must report it with <see cref="RecordSuccess"/> or
    /// <see cref="RecordFailure(string)"/>. Half-open: no (the one probe is already out). Isolated: never.
    /// </summary>
    public bool AllowsWork(DateTimeOffset now)
    {
        if (_state == CircuitState.Closed)
        {
            return true;
        }

        CircuitStateChange change;
        lock (_lock)
        {
            if (_state == CircuitState.Closed)
            {
                return true;
            }

            if (_state == CircuitState.HalfOpen || _isolated || _nextProbeAt is not { } due || now < due)
            {
                return false;
            }

            _state = CircuitState.HalfOpen;
            _nextProbeAt = null;
            change = new CircuitStateChange(CircuitState.Open, CircuitState.HalfOpen, now, _attempt, null, ProbeDue);
        }

        StateChanged?.Invoke(this, change);
        return true;
    }

    /// <summary>
    /// Reports that work (or the probe) succeeded. Half-open: the circuit closes and the backoff resets. Closed:
    /// the consecutive-failure count resets. Open: ignored — a late result of work started before the circuit
    /// opened does not prove recovery; only the probe does.
    /// </summary>
    public void RecordSuccess()
    {
        if (_state == CircuitState.Closed && Volatile.Read(ref _consecutive) == 0)
        {
            return;
        }

        CircuitStateChange change;
        lock (_lock)
        {
            if (_state == CircuitState.Closed)
            {
                _consecutive = 0;
                return;
            }

            if (_state != CircuitState.HalfOpen)
            {
                return;
            }

            int attempt = _attempt;
            CloseLocked();
            change = new CircuitStateChange(CircuitState.HalfOpen, CircuitState.Closed, _time.GetUtcNow(), attempt, null, ProbeSucceeded);
        }

        StateChanged?.Invoke(this, change);
    }

    /// <summary>Reports a failure now (on the breaker's clock). See <see cref="RecordFailure(string, DateTimeOffset)"/>.</summary>
    /// <param name="reason">Why it failed, for operators; keep it a constant or cached string to stay allocation-free.</param>
    public void RecordFailure(string reason) => RecordFailure(reason, _time.GetUtcNow());

    /// <summary>Reports a failure with its exception now; the exception's message is the reason.</summary>
    /// <param name="exception">What went wrong; kept in <see cref="CircuitBreakerStatistics.LastException"/>.</param>
    public void RecordFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Fail(exception.Message, exception, _time.GetUtcNow());
    }

    /// <summary>
    /// Reports a failure at <paramref name="now"/>. Closed: counts it, and opens the circuit when
    /// <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive failures are reached (attempt 1, first
    /// backoff delay). Half-open: the probe failed; the circuit reopens with the next attempt's longer delay.
    /// Open: only counted.
    /// </summary>
    /// <param name="reason">Why it failed, for operators.</param>
    /// <param name="now">The time of the failure, usually the tick's time.</param>
    public void RecordFailure(string reason, DateTimeOffset now) => Fail(reason, null, now);

    /// <summary>
    /// Opens a closed or half-open circuit at once, whatever the failure count, as if the threshold had been
    /// reached; for callers that decide elsewhere that the guarded thing is broken (a <see cref="FaultCounter"/>
    /// reaching its threshold). The reason and time become the last failure
    /// (<see cref="CircuitBreakerStatistics.LastFailureReason"/>, <see cref="CircuitBreakerStatistics.LastFailureAt"/>;
    /// <see cref="CircuitBreakerStatistics.LastException"/> is cleared), but no failure is counted: the failures
    /// that led to the verdict were counted where they were seen, and a caller that also reported them here must
    /// not count them twice. An open circuit is left as it is.
    /// </summary>
    /// <param name="reason">Why, for operators.</param>
    public void Trip(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        CircuitStateChange change;
        lock (_lock)
        {
            if (_state == CircuitState.Open)
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            _lastFailureAt = now;
            _lastReason = reason;
            _lastException = null;
            change = OpenLocked(now, reason);
        }

        StateChanged?.Invoke(this, change);
    }

    /// <summary>
    /// Operator action: forces the circuit open and stops probing until <see cref="Close"/> is called. For taking a
    /// misbehaving dependency out of service on purpose (maintenance, a known-bad deploy).
    /// </summary>
    public void Isolate()
    {
        CircuitStateChange change;
        lock (_lock)
        {
            if (_isolated)
            {
                return;
            }

            DateTimeOffset now = _time.GetUtcNow();
            CircuitState from = _state;
            if (from == CircuitState.Closed)
            {
                _trips++;
                _openedAt = now;
            }

            _isolated = true;
            _state = CircuitState.Open;
            _nextProbeAt = null;
            change = new CircuitStateChange(from, CircuitState.Open, now, _attempt, null, OperatorIsolated);
        }

        StateChanged?.Invoke(this, change);
    }

    /// <summary>
    /// Operator action: closes the circuit now (ending an isolation or an outage), clears the consecutive
    /// failures and resets the backoff. If the dependency is still broken the next failure opens it again.
    /// </summary>
    public void Close()
    {
        CircuitStateChange change;
        lock (_lock)
        {
            if (_state == CircuitState.Closed && !_isolated)
            {
                _consecutive = 0;
                return;
            }

            CircuitState from = _state;
            int attempt = _attempt;
            CloseLocked();
            change = new CircuitStateChange(from, CircuitState.Closed, _time.GetUtcNow(), attempt, null, OperatorClosed);
        }

        StateChanged?.Invoke(this, change);
    }

    /// <summary>
    /// Whether the circuit has been open for at least <see cref="CircuitBreakerOptions.StuckOpenAfter"/> at
    /// <paramref name="now"/> — the runbook's "circuit stuck open" condition.
    /// </summary>
    public bool IsStuckOpen(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _openedAt is { } opened && now - opened >= _stuckOpenAfter;
        }
    }

    private void Fail(string reason, Exception? exception, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reason);
        CircuitStateChange change;
        lock (_lock)
        {
            _failures++;
            _consecutive++;
            _lastFailureAt = now;
            _lastReason = reason;
            _lastException = exception;
            switch (_state)
            {
                case CircuitState.Closed when _consecutive >= _threshold:
                    change = OpenLocked(now, reason);
                    break;
                case CircuitState.HalfOpen:
                    _attempt++;
                    change = ScheduleProbeLocked(CircuitState.HalfOpen, now, reason);
                    break;
                default:
                    return;
            }
        }

        StateChanged?.Invoke(this, change);
    }

    private CircuitStateChange OpenLocked(DateTimeOffset now, string reason)
    {
        CircuitState from = _state;
        if (from == CircuitState.Closed)
        {
            _trips++;
            _openedAt = now;
            _attempt = 1;
            _backoffState.Reset();
        }
        else
        {
            _attempt++;
        }

        return ScheduleProbeLocked(from, now, reason);
    }

    private CircuitStateChange ScheduleProbeLocked(CircuitState from, DateTimeOffset now, string reason)
    {
        // Attempt n waits the n-th backoff delay; past the escalation point the delay stays at the cap.
        _currentDelay = _backoff.NextDelay(_attempt, ref _backoffState, _random);
        _state = CircuitState.Open;
        _nextProbeAt = _isolated ? null : now + _currentDelay;
        return new CircuitStateChange(from, CircuitState.Open, now, _attempt, _nextProbeAt, reason);
    }

    private void CloseLocked()
    {
        _state = CircuitState.Closed;
        _isolated = false;
        _consecutive = 0;
        _attempt = 0;
        _openedAt = null;
        _nextProbeAt = null;
        _currentDelay = TimeSpan.Zero;
        _backoffState.Reset();
    }
}
