namespace FsmV2;

/// <summary>
/// One worker's recorded decisions, oldest first: from <see cref="FlightRecorder.GetRecording"/>, or read back from
/// an export (<see cref="Read"/>). What <see cref="WorkerReplay"/> evaluates again.
/// </summary>
public sealed class WorkerRecording
{
    /// <summary>Creates a recording.</summary>
    /// <param name="workerId">The worker's id.</param>
    /// <param name="workerType">The worker's type (<see cref="WorkerDefinition.WorkerType"/>).</param>
    /// <param name="decisions">Its decisions, oldest first.</param>
    /// <exception cref="ArgumentException">The id or type is empty.</exception>
    public WorkerRecording(string workerId, string workerType, IReadOnlyList<DecisionRecord> decisions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(workerType);
        ArgumentNullException.ThrowIfNull(decisions);
        WorkerId = workerId;
        WorkerType = workerType;
        Decisions = decisions;
    }

    /// <summary>The worker's id.</summary>
    public string WorkerId { get; }

    /// <summary>The worker's type (<see cref="WorkerDefinition.WorkerType"/>).</summary>
    public string WorkerType { get; }

    /// <summary>The decisions, oldest first.</summary>
    public IReadOnlyList<DecisionRecord> Decisions { get; }

    /// <summary>
    /// Reads a recording written by <see cref="FlightRecorder.Export"/> (JSON lines; blank lines are skipped). The
    /// stream is left open.
    /// </summary>
    /// <exception cref="FormatException">A line is not a decision of the export format, or the lines are of more than one worker; the message names the line.</exception>
    public static WorkerRecording Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return RecordingJson.Read(stream);
    }

    /// <summary>Writes the recording as JSON lines, as <see cref="FlightRecorder.Export"/> does.</summary>
    internal void WriteTo(Stream stream) => RecordingJson.Write(this, stream);
}
