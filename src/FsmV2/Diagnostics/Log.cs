using Microsoft.Extensions.Logging;

namespace FsmV2;

/// <summary>Every log event of the runtime, source-generated so a disabled level costs nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) added in state {State}")]
    public static partial void WorkerAdded(ILogger logger, string workerId, string workerType, string state);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) {FromState} -> {ToState}: {Reason}")]
    public static partial void Transition(ILogger logger, string workerId, string workerType, string fromState, string toState, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Worker {WorkerId} ({WorkerType}) in state {FromState} asked to go to {ToState}, which {FromState} does not declare in [TransitionsTo]; staying. Reason given: {Reason}")]
    public static partial void UndeclaredTransition(ILogger logger, string workerId, string workerType, string fromState, string toState, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Worker {WorkerId} ({WorkerType}) state {State} threw; staying in {State} and deciding again next tick")]
    public static partial void DecideFailed(ILogger logger, Exception exception, string workerId, string workerType, string state);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Worker {WorkerId} ({WorkerType}) runs action {Action} in state {State}: {Reason}")]
    public static partial void ActionStarted(ILogger logger, string workerId, string workerType, string action, string state, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) action {Action} failed after {DurationMs} ms")]
    public static partial void ActionFailed(ILogger logger, Exception exception, string workerId, string workerType, string action, double durationMs);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) action {Action} timed out after {TimeoutMs} ms and was cancelled")]
    public static partial void ActionTimedOut(ILogger logger, string workerId, string workerType, string action, double timeoutMs);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) action {Action} not started: the action pool's queue is full; deciding again next tick")]
    public static partial void ActionQueueFull(ILogger logger, string workerId, string workerType, string action);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) collector failed ({ConsecutiveFailures} in a row); decisions use the last good observation until it is stale")]
    public static partial void CollectFailed(ILogger logger, Exception exception, string workerId, string workerType, int consecutiveFailures);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) observation is stale ({AgeMs} ms old, limit {StaleAfterMs} ms); decisions paused until a fresh observation arrives")]
    public static partial void ObservationStale(ILogger logger, string workerId, string workerType, double ageMs, double staleAfterMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) observation is fresh again; decisions resume")]
    public static partial void ObservationFresh(ILogger logger, string workerId, string workerType);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) removed from state {State}: {Reason}")]
    public static partial void WorkerRemoved(ILogger logger, string workerId, string workerType, string state, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) restarting from state {State} (restart {RestartCount}): {Reason}")]
    public static partial void WorkerRestarted(ILogger logger, string workerId, string workerType, string state, int restartCount, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Shutdown deadline of {TimeoutMs} ms passed with {Remaining} worker(s) not yet removable; stopping them anyway: {WorkerIds}")]
    public static partial void ShutdownDeadline(ILogger logger, double timeoutMs, int remaining, string workerIds);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Shutdown cancelled by its caller with {Remaining} worker(s) not yet removable; stopping them anyway: {WorkerIds}")]
    public static partial void ShutdownCancelled(ILogger logger, int remaining, string workerIds);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Shutdown cancelled by its caller while {Count} worker(s) were still stopping; abandoned without waiting for their actions to return (in flight when stopped): {Workers}")]
    public static partial void ShutdownAbandoned(ILogger logger, int count, string workers);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Supervisor shutdown requested for {Count} top-level worker(s); each takes its children with it")]
    public static partial void ShutdownRequested(ILogger logger, int count);

    [LoggerMessage(EventId = 17, Level = LogLevel.Error, Message = "Worker {WorkerId} ({WorkerType}) state {State} returned {Kind} with index {Index}, which is not a state or action of this worker; staying")]
    public static partial void InvalidDecision(ILogger logger, string workerId, string workerType, string state, NextKind kind, int index);

    [LoggerMessage(EventId = 18, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) removal requested")]
    public static partial void RemovalRequested(ILogger logger, string workerId, string workerType);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) action {Action} is stuck: still running {ElapsedMs} ms after it was cancelled by its timeout; its slot is released at 3x the timeout")]
    public static partial void ActionStuck(ILogger logger, string workerId, string workerType, string action, double elapsedMs);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Worker {WorkerId} ({WorkerType}) action {Action} abandoned after {ElapsedMs} ms: it ignores cancellation; its pool slot is released and its result will be ignored")]
    public static partial void ActionAbandoned(ILogger logger, string workerId, string workerType, string action, double elapsedMs);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) abandoned action {Action} finally returned ({Outcome}); result ignored")]
    public static partial void AbandonedActionReturned(ILogger logger, string workerId, string workerType, string action, ActionOutcome outcome);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Worker {ParentId} added child {ChildId} ({WorkerType})")]
    public static partial void ChildAdded(ILogger logger, string parentId, string childId, string workerType);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Worker {ParentId} updated child {ChildId}: its spec changed")]
    public static partial void ChildUpdated(ILogger logger, string parentId, string childId);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Worker {ParentId} no longer wants child {ChildId}; shutting it down gracefully")]
    public static partial void ChildRemoving(ILogger logger, string parentId, string childId);

    [LoggerMessage(EventId = 33, Level = LogLevel.Information, Message = "Worker {ParentId} child {ChildId} has left")]
    public static partial void ChildRemoved(ILogger logger, string parentId, string childId);

    [LoggerMessage(EventId = 34, Level = LogLevel.Error, Message = "Worker {ParentId} could not start child {ChildName} ({Error}); the parent and its other children keep running; tried again in {RetryInSeconds:0.0} s")]
    public static partial void ChildStartFailed(ILogger logger, Exception exception, string parentId, string childName, string error, double retryInSeconds);

    [LoggerMessage(EventId = 35, Level = LogLevel.Error, Message = "Worker {ParentId} could not update child {ChildId}; it keeps its previous spec")]
    public static partial void ChildUpdateFailed(ILogger logger, Exception exception, string parentId, string childId);

    [LoggerMessage(EventId = 36, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) asked to be removed; waiting for its {Children} child(ren) to leave first")]
    public static partial void WaitingForChildren(ILogger logger, string workerId, string workerType, int children);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Circuit OPEN for {WorkerId} ({WorkerType}); error scope {Scope}: {Reason}. Attempt {Attempt} of {MaxAttempts}; next retry in {RetryInSeconds:0.0} s. Impact: {Impact}")]
    public static partial void CircuitOpened(ILogger logger, string workerId, string workerType, ErrorScope scope, string reason, int attempt, int maxAttempts, double retryInSeconds, string impact);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Circuit CLOSED for {WorkerId} ({WorkerType}); error scope {Scope}: {Reason}")]
    public static partial void CircuitClosed(ILogger logger, string workerId, string workerType, ErrorScope scope, string reason);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Circuit still open for {WorkerId} ({WorkerType}); error scope {Scope}; attempt {Attempt} of {MaxAttempts}; down for {DowntimeSeconds:0} s; next retry in {NextRetrySeconds:0.0} s; recovery status {Status}; last failure: {LastFailure}")]
    public static partial void CircuitHeartbeat(ILogger logger, string workerId, string workerType, ErrorScope scope, int attempt, int maxAttempts, double downtimeSeconds, double nextRetrySeconds, RecoveryStatus status, string lastFailure);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "{WorkerId} ({WorkerType}) will ESCALATE after one more failed attempt ({Attempt} of {MaxAttempts}); error scope {Scope}")]
    public static partial void PreEscalation(ILogger logger, string workerId, string workerType, ErrorScope scope, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 44, Level = LogLevel.Error, Message = "ESCALATION: {WorkerId} ({WorkerType}) did not recover after {Attempts} attempts over {DowntimeSeconds:0} s; error scope {Scope}. Runbook: {Runbook}. Steps: {Steps}")]
    public static partial void Escalation(ILogger logger, string workerId, string workerType, ErrorScope scope, int attempts, double downtimeSeconds, string runbook, string steps);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "Worker {ParentId} restarts child {ChildId} ({Strategy}): {Reason}")]
    public static partial void ChildRestarting(ILogger logger, string parentId, string childId, RestartStrategy strategy, string reason);

    [LoggerMessage(EventId = 46, Level = LogLevel.Error, Message = "ESCALATION: worker {ParentId} exceeded its restart intensity ({Reason}); it fails itself so that its own parent (or, at the root, an operator) handles it. Runbook: docs/runbook.md#escalation")]
    public static partial void RestartIntensityExceeded(ILogger logger, string parentId, string reason);

    [LoggerMessage(EventId = 47, Level = LogLevel.Information, Message = "Worker {ParentId} does not restart child {ChildId}: its restart policy is {Policy}")]
    public static partial void ChildNotRestarted(ILogger logger, string parentId, string childId, RestartPolicy policy);

    [LoggerMessage(EventId = 48, Level = LogLevel.Error, Message = "Worker {ParentId}: the spec of child {ChildName} is invalid: {Error}. The child keeps its previous spec (or is not started); the parent and its other children keep running")]
    public static partial void ChildSpecInvalid(ILogger logger, Exception exception, string parentId, string childName, string error);

    private static readonly Func<ILogger, string, string, IDisposable?> WorkerScopeFormatter =
        LoggerMessage.DefineScope<string, string>("Worker {WorkerId} ({WorkerType})");

    /// <summary>
    /// A scope naming the worker (its id is its hierarchy path), around its collector and its actions, so that
    /// what the user's own code logs there is attributed to the worker.
    /// </summary>
    public static IDisposable? WorkerScope(ILogger logger, WorkerIdentity identity) =>
        logger.IsEnabled(LogLevel.Critical) ? WorkerScopeFormatter(logger, identity.Id, identity.WorkerType) : null;

    [LoggerMessage(EventId = 49, Level = LogLevel.Warning, Message = "Worker {ParentId}: child {ChildId} did not reach a removable state within {TimeoutMs} ms of being asked to leave; stopped anyway (its action cancelled)")]
    public static partial void ChildShutdownTimedOut(ILogger logger, string parentId, string childId, double timeoutMs);

    [LoggerMessage(EventId = 51, Level = LogLevel.Error, Message = "A Supervisor.Escalated handler threw while handling the escalation of {WorkerId}: {Error}; the other handlers and the tick go on")]
    public static partial void EscalationHandlerFailed(ILogger logger, Exception exception, string workerId, string error);

    [LoggerMessage(EventId = 52, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) holds action {Action} back after {Failures} consecutive failure(s); next attempt in {RetryInMs} ms (SupervisorOptions.ActionRetryBackoff)")]
    public static partial void ActionRetryHeld(ILogger logger, string workerId, string workerType, string action, int failures, double retryInMs);

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Worker {ParentId}: child {ChildId} did not reach a running state within {TimeoutMs} ms of starting (still in {State}); it counts as failed, so the parent's infrastructure circuit opens and restarts it")]
    public static partial void ChildStartupTimedOut(ILogger logger, string parentId, string childId, double timeoutMs, string state);

    [LoggerMessage(EventId = 53, Level = LogLevel.Debug, Message = "Worker {ParentId}: child {ChildId} {FromState} -> {ToState}: {Reason}")]
    public static partial void ChildLifecycleChanged(ILogger logger, string parentId, string childId, ChildLifecycleState fromState, ChildLifecycleState toState, string reason);

    [LoggerMessage(EventId = 54, Level = LogLevel.Information, Message = "Worker {ParentId}: child {ChildId} has run for {WindowSeconds:0} s since its last restart; its restart backoff starts again from the first delay")]
    public static partial void ChildStable(ILogger logger, string parentId, string childId, double windowSeconds);

    [LoggerMessage(EventId = 55, Level = LogLevel.Error, Message = "Worker {WorkerId} ({WorkerType}): its tick threw ({Error}); counted as a fault of this worker, the supervisor and the other workers go on")]
    public static partial void TickFailed(ILogger logger, Exception exception, string workerId, string workerType, string error);

    [LoggerMessage(EventId = 56, Level = LogLevel.Error, Message = "Worker {ParentId}: entry {Index} of its children is null; skipped, the parent and its other children go on")]
    public static partial void ChildSpecMissing(ILogger logger, string parentId, int index);

    [LoggerMessage(EventId = 57, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) restarted by an operator: {Reason}")]
    public static partial void OperatorRestart(ILogger logger, string workerId, string workerType, string reason);

    [LoggerMessage(EventId = 60, Level = LogLevel.Error, Message = "A supervisor tick threw {ExceptionType}: {Error}; RunAsync goes on ticking")]
    public static partial void SupervisorTickFailed(ILogger logger, Exception exception, string exceptionType, string error);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Worker {WorkerId} ({WorkerType}) resumed in {State} from the store, {RestartCount} restart(s) so far")]
    public static partial void WorkerResumed(ILogger logger, string workerId, string workerType, string state, int restartCount);

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}) was persisted in state {OldState}, which its type no longer has; it resumes in its initial state {State}")]
    public static partial void ResumedStateMissing(ILogger logger, string workerId, string workerType, string oldState, string state);

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}): its snapshot could not be serialised for the flight recorder; its decisions are still recorded, without snapshots")]
    public static partial void CaptureFailed(ILogger logger, Exception exception, string workerId, string workerType);

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Worker {WorkerId} ({WorkerType}): a snapshot of {SizeBytes} bytes exceeds SupervisorOptions.Recorder.CaptureBudgetBytes and is not captured (logged once per worker)")]
    public static partial void CaptureTooLarge(ILogger logger, string workerId, string workerType, int sizeBytes);
}
