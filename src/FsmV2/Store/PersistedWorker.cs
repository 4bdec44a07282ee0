namespace FsmV2;

/// <summary>What a persistent store kept of one worker, for it to resume.</summary>
/// <param name="Id">The worker's id (a child's is its parent's id, a slash and its name).</param>
/// <param name="WorkerType">The worker's type.</param>
/// <param name="StateName">The name of the state it was in.</param>
/// <param name="StateSince">Since when it was in that state.</param>
/// <param name="RestartCount">How many times it had restarted.</param>
/// <param name="RestartHistory">Its most recent restarts, oldest first.</param>
public sealed record PersistedWorker(string Id, string WorkerType, string StateName, DateTimeOffset StateSince, int RestartCount, IReadOnlyList<RestartRecord> RestartHistory)
{
    /// <summary>Its most recent faults, circuit changes and escalations, oldest first.</summary>
    public IReadOnlyList<SupervisionEvent> SupervisionHistory { get; init; } = [];

    /// <summary>Its last observation as the store wrote it (JSON unless the worker's own serializer wrote it), or <see langword="null"/> if it had none.</summary>
    /// <remarks>What was last known, for operators and applications; stale by definition: a resumed worker decides on a fresh observation.</remarks>
    public string? ObservedJson { get; init; }

    /// <summary>When <see cref="ObservedJson"/> was collected, or <see langword="null"/>.</summary>
    public DateTimeOffset? CollectedAt { get; init; }

    /// <summary>Its most recent action results, oldest first (restored for operators; actions are never replayed).</summary>
    public IReadOnlyList<ActionResult> RecentActions { get; init; } = [];
}
