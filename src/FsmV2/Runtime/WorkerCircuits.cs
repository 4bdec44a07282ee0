namespace FsmV2;

/// <summary>Both circuits of one worker, by value, for operators (see <see cref="Supervisor.GetCircuits"/>).</summary>
/// <param name="Fault">
/// The worker's own fault circuit (<see cref="ErrorScope.Worker"/>): opens when its states, collector or derive
/// throw too often; while open the worker does not decide, and its parent restarts it.
/// </param>
/// <param name="Infrastructure">
/// A parent's infrastructure circuit (<see cref="ErrorScope.Infrastructure"/>): opens when its children fail; while
/// open the parent neither reconciles nor decides. <see langword="null"/> for a worker that has never had children.
/// </param>
public sealed record WorkerCircuits(CircuitBreakerStatistics Fault, CircuitBreakerStatistics? Infrastructure);
