namespace FsmV2.Orleans;

/// <summary>
/// The grain that hosts one root worker and its subtree, keyed by the root's id: the client API of a worker in the
/// cluster. Get it with <see cref="FsmV2ClusterExtensions.GetWorker"/>; callable from any client or silo.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds the root worker: a <paramref name="workerType"/> registered on the silos, with its spec as JSON (web
    /// defaults: camelCase). <see cref="FsmV2ClusterExtensions.AddWorkerAsync{TSpec}"/> serialises the spec for you.
    /// </summary>
    /// <exception cref="ArgumentException">The type is not registered, the spec is not valid JSON for it, or the grain already hosts a worker.</exception>
    Task AddAsync(string workerType, string specJson);

    /// <summary>Sets a new spec on the root worker (JSON, as for <see cref="AddAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">
    /// The grain hosts no worker, or this activation was fenced (its storage refused a write as stale): call again, the
    /// next activation has the newer state.
    /// </exception>
    Task UpdateSpecAsync(string specJson);

    /// <summary>Asks the root worker to shut down gracefully; when it leaves, its grain state is cleared.</summary>
    /// <returns><see langword="false"/> if the grain hosts no worker.</returns>
    Task<bool> RemoveAsync();

    /// <summary>The status of the root and, depth first, its children; empty when the grain hosts no worker.</summary>
    Task<IReadOnlyList<WorkerGrainStatus>> GetStatusAsync();

    /// <summary>Operator call: forces the fault circuit of the root (or of child <paramref name="id"/>) open, as <see cref="Supervisor.IsolateCircuit"/>.</summary>
    /// <returns><see langword="false"/> if there is no such worker.</returns>
    Task<bool> IsolateAsync(string? id = null);

    /// <summary>Operator call: closes the fault circuit of the root (or of child <paramref name="id"/>), as <see cref="Supervisor.CloseCircuit"/>.</summary>
    /// <returns><see langword="false"/> if there is no such worker.</returns>
    Task<bool> CloseAsync(string? id = null);

    /// <summary>Operator call: restarts the root (or child <paramref name="id"/>), counted in its restart count, as <see cref="Supervisor.RestartWorker"/>.</summary>
    /// <returns><see langword="false"/> if there is no such worker.</returns>
    Task<bool> RestartAsync(string reason, string? id = null);

    /// <summary>Activates the grain if it is not active (the silos' keeper calls it so a lost silo's workers resume elsewhere).</summary>
    /// <returns>Whether the grain hosts a worker.</returns>
    Task<bool> EnsureActiveAsync();
}

/// <summary>
/// The ids of root workers, kept in grain storage so the silos' keeper re-activates them: 64 of these grains (keys 0
/// to 63) each hold the ids a stable hash of the id assigns to it; <see cref="FsmV2ClusterExtensions.GetWorkerIdsAsync"/>
/// reads them all.
/// </summary>
public interface IWorkerFleetGrain : IGrainWithIntegerKey
{
    /// <summary>This shard's root worker ids, in no particular order.</summary>
    Task<IReadOnlyList<string>> GetIdsAsync();

    /// <summary>Records root worker <paramref name="id"/> (its grain calls this when the worker is added).</summary>
    Task RegisterAsync(string id);

    /// <summary>Forgets root worker <paramref name="id"/> (its grain calls this when the worker left).</summary>
    Task UnregisterAsync(string id);
}

/// <summary>One worker's status as a grain reports it (a serialisable subset of <see cref="WorkerStatus"/>).</summary>
/// <param name="Id">The worker's id (a child's is its parent's id, a slash and its name).</param>
/// <param name="WorkerType">The worker's type.</param>
/// <param name="State">Its current state.</param>
/// <param name="Phase">Its lifecycle phase (<see cref="LifecyclePhase"/>, by name).</param>
/// <param name="Circuit">The worst of its circuits (<see cref="CircuitState"/>, by name).</param>
/// <param name="RestartCount">How many times the worker id has restarted, across activations.</param>
/// <param name="FaultCount">Faults in the current window.</param>
/// <param name="Silo">The silo hosting the grain.</param>
[GenerateSerializer]
public sealed record WorkerGrainStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] string WorkerType,
    [property: Id(2)] string State,
    [property: Id(3)] string Phase,
    [property: Id(4)] string Circuit,
    [property: Id(5)] int RestartCount,
    [property: Id(6)] int FaultCount,
    [property: Id(7)] string Silo);
