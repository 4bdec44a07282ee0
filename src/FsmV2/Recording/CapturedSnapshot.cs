using System.Text.Json;

namespace FsmV2;

/// <summary>
/// The snapshot a decision was made on, as the <see cref="FlightRecorder"/> captured it for a worker type listed in
/// <see cref="FlightRecorderOptions.CaptureWorkerTypes"/>: enough for <see cref="WorkerReplay"/> to build the same
/// <see cref="Snapshot{TDesired, TObserved}"/> again.
/// </summary>
public sealed class CapturedSnapshot
{
    /// <summary>Creates a captured snapshot (the recorder does; so does reading an export).</summary>
    /// <param name="desired">The desired state, as JSON.</param>
    /// <param name="observed">The observed state, as JSON.</param>
    /// <param name="collectedAt">When the observation was collected.</param>
    /// <param name="shutdownRequested">Whether the worker had been asked to shut down.</param>
    /// <param name="stopRequested">Whether the worker's parent wanted it stopped.</param>
    /// <param name="collectError">The most recent collection's error (type and message), or <see langword="null"/>.</param>
    /// <param name="children">How the worker's children were doing.</param>
    /// <param name="recentActions">The worker's most recent action results, oldest first.</param>
    public CapturedSnapshot(JsonElement desired, JsonElement observed, DateTimeOffset collectedAt, bool shutdownRequested, bool stopRequested, string? collectError, ChildrenView children, IReadOnlyList<ActionResult> recentActions)
        : this(desired, observed, collectedAt, shutdownRequested, stopRequested, collectError, children, recentActions, Utf8Size(desired) + Utf8Size(observed))
    {
    }

    internal CapturedSnapshot(JsonElement desired, JsonElement observed, DateTimeOffset collectedAt, bool shutdownRequested, bool stopRequested, string? collectError, ChildrenView children, IReadOnlyList<ActionResult> recentActions, int sizeBytes)
    {
        ArgumentNullException.ThrowIfNull(recentActions);
        Desired = desired.Clone();
        Observed = observed.Clone();
        CollectedAt = collectedAt;
        ShutdownRequested = shutdownRequested;
        StopRequested = stopRequested;
        CollectError = collectError;
        Children = children;
        RecentActions = recentActions;
        SizeBytes = sizeBytes;
    }

    private static int Utf8Size(JsonElement value) => System.Text.Encoding.UTF8.GetByteCount(value.GetRawText());

    /// <summary>The desired state, as JSON.</summary>
    public JsonElement Desired { get; }

    /// <summary>The observed state, as JSON.</summary>
    public JsonElement Observed { get; }

    /// <summary>When the observation was collected.</summary>
    public DateTimeOffset CollectedAt { get; }

    /// <summary>Whether the worker had been asked to shut down (<see cref="Snapshot{TDesired, TObserved}.ShutdownRequested"/>).</summary>
    public bool ShutdownRequested { get; }

    /// <summary>Whether the worker's parent wanted it stopped (<see cref="Snapshot{TDesired, TObserved}.StopRequested"/>).</summary>
    public bool StopRequested { get; }

    /// <summary>The most recent collection's error as <c>Type: message</c>, or <see langword="null"/> when it succeeded.</summary>
    public string? CollectError { get; }

    /// <summary>How the worker's children were doing (<see cref="Snapshot{TDesired, TObserved}.Children"/>).</summary>
    public ChildrenView Children { get; }

    /// <summary>The worker's most recent action results, oldest first (<see cref="Snapshot{TDesired, TObserved}.RecentActions"/>).</summary>
    public IReadOnlyList<ActionResult> RecentActions { get; }

    /// <summary>The size the byte budget counts: the UTF-8 bytes of the desired and observed JSON.</summary>
    public int SizeBytes { get; }
}
