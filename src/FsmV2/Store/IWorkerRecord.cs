namespace FsmV2;

/// <summary>The type-erased view of a <see cref="WorkerRecord{TDesired, TObserved}"/>, for inspection.</summary>
public interface IWorkerRecord
{
    /// <summary>Who the worker is; written once.</summary>
    WorkerIdentity Identity { get; }

    /// <summary>Increases every time the desired state is set.</summary>
    long DesiredVersion { get; }

    /// <summary>When the desired state was last set.</summary>
    DateTimeOffset DesiredAt { get; }

    /// <summary>When the last good observation was collected, or <see langword="null"/> before the first.</summary>
    DateTimeOffset? CollectedAt { get; }

    /// <summary>The error of the most recent collection, or <see langword="null"/> if it succeeded.</summary>
    Exception? CollectError { get; }

    /// <summary>The name of the worker's current state (its initial state until the runtime sets it).</summary>
    string StateName { get; }

    /// <summary>Since when the worker has been in <see cref="StateName"/>.</summary>
    DateTimeOffset StateSince { get; }

    /// <summary>Increases every time the state is set (a transition, a restart): a persistent store compares it to what it wrote.</summary>
    long StateVersion { get; }

    /// <summary>How many times this worker id has restarted.</summary>
    int RestartCount { get; }

    /// <summary>The most recent restarts of this worker id, oldest first.</summary>
    IReadOnlyList<RestartRecord> RestartHistory { get; }

    /// <summary>The most recent faults, circuit changes and escalations of this worker instance, oldest first.</summary>
    IReadOnlyList<SupervisionEvent> SupervisionHistory { get; }

    /// <summary>The most recent action results of this worker instance, oldest first.</summary>
    IReadOnlyList<ActionResult> RecentActions { get; }

    /// <summary>Increases whenever <see cref="SupervisionHistory"/>, <see cref="RecentActions"/> or the restarts change: a persistent store compares it to what it wrote.</summary>
    long HistoryVersion { get; }

    /// <summary>The current desired state, untyped (for a store that serialises it).</summary>
    object? DesiredValue { get; }

    /// <summary>Increases with every observation written, success or failure.</summary>
    long ObservationVersion { get; }

    /// <summary>The last good observation, untyped, or <see langword="null"/> before the first.</summary>
    object? ObservedValue { get; }
}
