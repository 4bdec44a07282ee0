using System.Diagnostics.CodeAnalysis;

namespace FsmV2;

/// <summary>
/// An <see cref="IWorkerStore"/> that keeps records beyond the process: a worker (or child) created with the id of a
/// persisted record resumes in its persisted state, with its restart count and history.
/// </summary>
/// <remarks>
/// The runtime never waits on such a store: the tick only sets plain fields of a record (its state by name, since
/// when, a version); the store reads the records' versions and writes what changed on its own thread.
/// </remarks>
public interface IPersistentWorkerStore : IWorkerStore
{
    /// <summary>
    /// Takes what was persisted for worker <paramref name="id"/> of type <paramref name="workerType"/>, once per id
    /// (a later instance of the same id, after a restart, starts anew).
    /// </summary>
    /// <returns><see langword="false"/> if nothing was persisted for the id, or it was persisted for another worker type.</returns>
    bool TryTakeResume(string id, string workerType, [NotNullWhen(true)] out PersistedWorker? persisted);

    /// <summary>
    /// The supervisor starts shutting down: the store writes every record as it is now and keeps it, ignoring the
    /// removals and state changes of the wind-down, so the next process resumes where this one was.
    /// </summary>
    void OnShutdown();

    /// <summary>How the store is doing: healthy or failing (and why), pending writes, retries. Safe from any thread.</summary>
    StoreStatus Status { get; }
}
