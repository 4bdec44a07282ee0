namespace FsmV2;

/// <summary>
/// A three-state circuit breaker on an injected <see cref="TimeProvider"/>: closed (work flows), open (work is
/// refused for a backoff delay), half-open (exactly one probe is let through; its success closes the circuit and
/// resets the backoff, its failure reopens it with the next, longer delay). Operators can
/// <see cref="Isolate"/> it (open, no probes) and <see cref="Close"/> it. The supervisor drives its own breakers
/// from the tick; on its own, a breaker guards a call inside a worker's action or collector through
/// <see cref="ExecuteAsync{T}(Func{CancellationToken, ValueTask{T}}, Func{CircuitFallback, CancellationToken, ValueTask{T}}, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Built for the supervisor's tick: <see cref="AllowsWork"/>, <see cref="RecordSuccess"/> and
/// <see cref="RecordFailure(string)"/> allocate nothing, and a closed circuit answers
/// <see cref="AllowsWork"/> without taking the lock. State changes happen under a lock (operators call
/// <see cref="Isolate"/> and <see cref="Close"/> from other threads); <see cref="StateChanged"/> is raised after
/// the lock is released, and only on a transition, so a logging handler stays off the steady-state path.
/// <see cref="ExecuteAsync{T}(Func{CancellationToken, ValueTask{T}}, Func{CircuitFallback, CancellationToken, ValueTask{T}}, CancellationToken)"/>
/// and its overloads run an operation under the breaker from any number of threads at once. They allocate nothing
/// when the operation (or, for a refused call, the fallback) completes synchronously, and only what async needs
/// when it completes asynchronously: the guard's state-machine box (176 bytes on .NET 10 x64 for an
/// <see cref="int"/> result), plus, for the overload without a result, the box of the adapter awaiting the
/// command (128 bytes). They count their successes (<see cref="CircuitBreakerStatistics.SuccessCount"/>) with one
/// interlocked increment, which <see cref="RecordSuccess"/> leaves out to stay a volatile read on the tick.
/// </remarks>
public sealed class CircuitBreaker
{
    private const string ProbeDue = "backoff delay elapsed; one probe let through";
    private const string ProbeSucceeded = "probe succeeded";
    private const string OperatorIsolated = "isolated by operator";
    private const string OperatorClosed = "closed by operator";

    // The probe id the public RecordSuccess / RecordFailure stand for: whoever holds the probe (the tick's caller).
    private const long AnyProbe = -1;

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
    private long _successes;
    private long _refused;
    private long _probeIds; // the last probe id handed out; ids start at 1 (0: admitted while closed)
    private long _probeOut; // the probe of the current half-open state; 0 once its caller gave it back
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
    /// A supervisor's breaker: <paramref name="options"/> already validated and owned by the supervisor, and
    /// <paramref name="backoff"/> built from its backoff options, both shared by every breaker of that supervisor.
    /// </summary>
    internal CircuitBreaker(string name, CircuitBreakerOptions options, BackoffPolicy backoff, TimeProvider timeProvider, Random? random)
    {
        Options = options;
        Name = name;
        _time = timeProvider;
        _random = random ?? Random.Shared;
        _backoff = backoff;
        _threshold = options.FailureThreshold;
        _maxAttempts = options.MaxAttempts;
        _stuckOpenAfter = options.StuckOpenAfter;
    }

    /// <summary>The statistics of a breaker that has never seen a failure: closed, every counter zero.</summary>
    internal static CircuitBreakerStatistics Pristine(int maxAttempts) =>
        new(CircuitState.Closed, false, 0, 0, 0, 0, null, null, null, 0, null, null, 0, maxAttempts, TimeSpan.Zero);

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
                    Interlocked.Read(ref _successes),
                    _refused,
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
    /// <see cref="RecordFailure(string)"/>. Half-open: no (the one probe is already out), unless an
    /// <see cref="ExecuteAsync{T}(Func{CancellationToken, ValueTask{T}}, CancellationToken)"/> probe was cancelled
    /// by its caller: then the next call is the probe. Isolated: never. Every refusal is counted in
    /// <see cref="CircuitBreakerStatistics.RefusedCount"/>.
    /// </summary>
    // Closed is checked here, before Admit: otherwise the JIT inlines all of Admit (its lock, its out structs) into
    // every worker's tick, whose stack frame then nearly triples and is zeroed on each call (benchmarks/README.md).
    public bool AllowsWork(DateTimeOffset now) => _state == CircuitState.Closed || Admit(now, out _, out _);

    /// <summary>
    /// Reports that work (or the probe) succeeded. Half-open: the circuit closes and the backoff resets. Closed:
    /// the consecutive-failure count resets. Open: ignored — a late result of work started before the circuit
    /// opened does not prove recovery; only the probe does. Not counted in
    /// <see cref="CircuitBreakerStatistics.SuccessCount"/>: a closed circuit answers with one volatile read.
    /// </summary>
    public void RecordSuccess() => Succeed(AnyProbe);

    /// <summary>Reports a failure now (on the breaker's clock). See <see cref="RecordFailure(string, DateTimeOffset)"/>.</summary>
    /// <param name="reason">Why it failed, for operators; keep it a constant or cached string to stay allocation-free.</param>
    public void RecordFailure(string reason) => RecordFailure(reason, _time.GetUtcNow());

    /// <summary>Reports a failure with its exception now; the exception's message is the reason.</summary>
    /// <param name="exception">What went wrong; kept in <see cref="CircuitBreakerStatistics.LastException"/>.</param>
    public void RecordFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Fail(exception.Message, exception, _time.GetUtcNow(), AnyProbe);
    }

    /// <summary>
    /// Reports a failure at <paramref name="now"/>. Closed: counts it, and opens the circuit when
    /// <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive failures are reached (attempt 1, first
    /// backoff delay). Half-open: the probe failed; the circuit reopens with the next attempt's longer delay.
    /// Open: only counted.
    /// </summary>
    /// <param name="reason">Why it failed, for operators.</param>
    /// <param name="now">The time of the failure, usually the tick's time.</param>
    public void RecordFailure(string reason, DateTimeOffset now) => Fail(reason, null, now, AnyProbe);

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

    /// <summary>
    /// Runs <paramref name="operation"/> under the breaker, the guard for a call inside a worker's action or
    /// collector; <paramref name="fallback"/> stands in when the circuit refuses the call or the operation fails.
    /// Closed: the operation runs; its completion is recorded as a success, its exception as a failure (the
    /// exception's message is the reason), after which the fallback's result is returned. Open or isolated: the
    /// operation is not called, the fallback is. When the backoff delay has passed, exactly one caller runs the
    /// operation as the probe (its success closes the circuit, its failure reopens it); callers arriving while the
    /// probe is out get the fallback, and the result of a call let through before the circuit opened does not
    /// decide the probe. An <see cref="OperationCanceledException"/> while <paramref name="cancellationToken"/> is
    /// cancelled is the caller giving up, not a failure of the guarded thing: it is rethrown and nothing is
    /// recorded; a cancelled probe is given back, so the next call probes. Safe to call from many threads at once.
    /// </summary>
    /// <typeparam name="T">The operation's result.</typeparam>
    /// <param name="operation">
    /// The guarded call. Give it a timeout of its own: a probe that never completes keeps the circuit half-open.
    /// </param>
    /// <param name="fallback">
    /// The result instead: <see cref="CircuitFallback.Refused"/> tells a refused call from a failed one. What it
    /// throws propagates and is not recorded.
    /// </param>
    /// <param name="cancellationToken">The caller's token, passed to the operation and the fallback.</param>
    /// <returns>The operation's result, or the fallback's.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> or <paramref name="fallback"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (before the call is admitted, or during it).</exception>
    public ValueTask<T> ExecuteAsync<T>(
        Func<CancellationToken, ValueTask<T>> operation,
        Func<CircuitFallback, CancellationToken, ValueTask<T>> fallback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(fallback);
        return GuardAsync(static (run, ct) => run(ct), operation, fallback, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> under the breaker as
    /// <see cref="ExecuteAsync{T}(Func{CancellationToken, ValueTask{T}}, Func{CircuitFallback, CancellationToken, ValueTask{T}}, CancellationToken)"/>
    /// does, without a fallback: a refused call throws <see cref="CircuitOpenException"/>, and the operation's
    /// exception is rethrown after it is recorded.
    /// </summary>
    /// <typeparam name="T">The operation's result.</typeparam>
    /// <param name="operation">The guarded call; give it a timeout of its own.</param>
    /// <param name="cancellationToken">The caller's token, passed to the operation.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    /// <exception cref="CircuitOpenException">The circuit refused the call; the operation did not run.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return GuardAsync(static (run, ct) => run(ct), operation, null, cancellationToken);
    }

    /// <summary>
    /// Runs an <paramref name="operation"/> without a result under the breaker (a command, such as the call an
    /// action makes), as <see cref="ExecuteAsync{T}(Func{CancellationToken, ValueTask{T}}, CancellationToken)"/>
    /// does: a refused call throws <see cref="CircuitOpenException"/>, and the operation's exception is rethrown
    /// after it is recorded.
    /// </summary>
    /// <param name="operation">The guarded call; give it a timeout of its own.</param>
    /// <param name="cancellationToken">The caller's token, passed to the operation.</param>
    /// <returns>A task that completes when the operation has.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    /// <exception cref="CircuitOpenException">The circuit refused the call; the operation did not run.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ValueTask<bool> guarded = GuardAsync(static (run, ct) => Completed(run(ct)), operation, null, cancellationToken);

        // Pending or faulted, the guard's ValueTask holds its async box, a Task: handing that on allocates nothing.
        return guarded.IsCompletedSuccessfully ? default : new ValueTask(guarded.AsTask());
    }

    private static async ValueTask<bool> Completed(ValueTask pending)
    {
        await pending.ConfigureAwait(false);
        return true;
    }

    /// <summary>The one body behind every <c>ExecuteAsync</c>; <paramref name="run"/> calls <paramref name="operation"/> without a closure.</summary>
    private async ValueTask<T> GuardAsync<TOperation, T>(
        Func<TOperation, CancellationToken, ValueTask<T>> run,
        TOperation operation,
        Func<CircuitFallback, CancellationToken, ValueTask<T>>? fallback,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Admit(_time.GetUtcNow(), out long probe, out CircuitFallback refusal))
        {
            return fallback is null
                ? throw new CircuitOpenException(Name, refusal.State, refusal.NextProbeAt)
                : await fallback(refusal, cancellationToken).ConfigureAwait(false);
        }

        T result;
        try
        {
            result = await run(operation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            GiveBack(probe);
            throw;
        }
        catch (Exception error)
        {
            CircuitFallback failure = Fail(error.Message, error, _time.GetUtcNow(), probe);
            if (fallback is null)
            {
                throw;
            }

            return await fallback(failure, cancellationToken).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _successes);
        Succeed(probe);
        return result;
    }

    /// <summary>
    /// Lets a call through or refuses it (counted). <paramref name="probe"/> is the id of the probe handed out, 0
    /// when the circuit was closed; <paramref name="refusal"/> describes a refusal.
    /// </summary>
    private bool Admit(DateTimeOffset now, out long probe, out CircuitFallback refusal)
    {
        probe = 0;
        refusal = default;
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

            if (_state == CircuitState.HalfOpen && _probeOut == 0)
            {
                probe = _probeOut = ++_probeIds; // the last probe was given back: this caller probes instead
                return true;
            }

            if (_state == CircuitState.HalfOpen || _isolated || _nextProbeAt is not { } due || now < due)
            {
                _refused++;
                refusal = new CircuitFallback(null, _state, _isolated ? null : _nextProbeAt);
                return false;
            }

            _state = CircuitState.HalfOpen;
            _nextProbeAt = null;
            probe = _probeOut = ++_probeIds;
            change = new CircuitStateChange(CircuitState.Open, CircuitState.HalfOpen, now, _attempt, null, ProbeDue);
        }

        StateChanged?.Invoke(this, change);
        return true;
    }

    /// <summary>Whether a result reported for <paramref name="probe"/> decides the current half-open state.</summary>
    private bool IsProbeLocked(long probe) => probe == AnyProbe || (probe != 0 && probe == _probeOut);

    private void Succeed(long probe)
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

            if (_state != CircuitState.HalfOpen || !IsProbeLocked(probe))
            {
                return;
            }

            int attempt = _attempt;
            CloseLocked();
            change = new CircuitStateChange(CircuitState.HalfOpen, CircuitState.Closed, _time.GetUtcNow(), attempt, null, ProbeSucceeded);
        }

        StateChanged?.Invoke(this, change);
    }

    /// <summary>Counts a failure; a result that is not the current probe's does not decide a half-open circuit.</summary>
    private CircuitFallback Fail(string reason, Exception? exception, DateTimeOffset now, long probe)
    {
        ArgumentNullException.ThrowIfNull(reason);
        CircuitStateChange? change = null;
        CircuitFallback after;
        lock (_lock)
        {
            _failures++;
            _consecutive++;
            _lastFailureAt = now;
            _lastReason = reason;
            _lastException = exception;
            if (_state == CircuitState.Closed && _consecutive >= _threshold)
            {
                change = OpenLocked(now, reason);
            }
            else if (_state == CircuitState.HalfOpen && IsProbeLocked(probe))
            {
                _attempt++;
                change = ScheduleProbeLocked(CircuitState.HalfOpen, now, reason);
            }

            after = new CircuitFallback(exception, _state, _isolated ? null : _nextProbeAt);
        }

        if (change is { } changed)
        {
            StateChanged?.Invoke(this, changed);
        }

        return after;
    }

    /// <summary>A probe whose caller cancelled it proves nothing: the next call becomes the probe.</summary>
    private void GiveBack(long probe)
    {
        if (probe == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_state == CircuitState.HalfOpen && _probeOut == probe)
            {
                _probeOut = 0;
            }
        }
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
