using System.Diagnostics.CodeAnalysis;

namespace FsmV2;

/// <summary>
/// Where a supervisor keeps every worker's record — identity (written once), desired state and observed state,
/// each with its version and time (the triangle of <see cref="WorkerRecord{TDesired, TObserved}"/>). Injected into
/// <see cref="Supervisor"/> (<c>store:</c>); <see cref="InMemoryWorkerStore"/> when none is given. The runtime
/// creates a record when a worker or child starts, adds it here, and removes it when the worker leaves; the tick
/// reads records and never waits on the store.
/// </summary>
/// <remarks>
/// Scheduling data of the runtime (which observation a worker waits for after an action) is not part of a record,
/// so a store that persists records keeps only what a worker is.
/// </remarks>
public interface IWorkerStore
{
    /// <summary>Number of workers in the store.</summary>
    int Count { get; }

    /// <summary>All records, in no particular order.</summary>
    IEnumerable<IWorkerRecord> Records { get; }

    /// <summary>Finds the record of worker <paramref name="id"/>.</summary>
    bool TryGet(string id, [NotNullWhen(true)] out IWorkerRecord? record);

    /// <summary>Adds the record of a worker that starts.</summary>
    /// <exception cref="ArgumentException">A record with the same id exists: worker ids are unique within a supervisor.</exception>
    void Add(IWorkerRecord record);

    /// <summary>Removes the record of worker <paramref name="id"/> (it left); nothing happens when there is none.</summary>
    void Remove(string id);
}
