namespace FsmV2;

/// <summary>
/// One decision of a worker as the <see cref="FlightRecorder"/> keeps it: when, in which state, what it decided and
/// why, and on which versions of its observed and desired state.
/// </summary>
/// <param name="At">The supervisor's time of the tick that decided.</param>
/// <param name="State">The state the worker was in when it decided.</param>
/// <param name="Kind">What the decision asked for.</param>
/// <param name="Target">
/// The target state's name for a transition (<see cref="NextKind.Goto"/>), the action's name for an action
/// (<see cref="NextKind.Do"/>), the signal's name (<c>Remove</c>, <c>Restart</c>) for a signal; <see langword="null"/>
/// for a stay, and for a target index the worker's type does not have.
/// </param>
/// <param name="Reason">The reason the state gave.</param>
/// <param name="ObservationVersion">The version of the observation the state decided on (<see cref="Observation{TObserved}.Version"/>).</param>
/// <param name="ObservationAge">How old that observation was at <paramref name="At"/>.</param>
/// <param name="DesiredVersion">The version of the desired state the state decided on (<see cref="IWorkerRecord.DesiredVersion"/>).</param>
public readonly record struct DecisionRecord(
    DateTimeOffset At,
    string State,
    NextKind Kind,
    string? Target,
    string? Reason,
    long ObservationVersion,
    TimeSpan ObservationAge,
    long DesiredVersion)
{
    /// <summary>
    /// How many decisions this entry stands for: consecutive stays in the same state with the same reason are
    /// coalesced into one entry (the first one's fields, this count and <see cref="LastAt"/>). 1 for every other decision.
    /// </summary>
    public int Count { get; init; } = 1;

    /// <summary>The time of the last decision this entry stands for (<see cref="At"/> unless <see cref="Count"/> is above 1).</summary>
    public DateTimeOffset LastAt { get; init; } = At;

    /// <summary>
    /// The snapshot the state decided on, when the worker's type is captured
    /// (<see cref="FlightRecorderOptions.CaptureWorkerTypes"/>) and the capture fit the byte budget; otherwise <see langword="null"/>.
    /// </summary>
    public CapturedSnapshot? Snapshot { get; init; }
}
