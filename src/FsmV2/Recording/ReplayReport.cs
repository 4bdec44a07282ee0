using System.Globalization;

namespace FsmV2;

/// <summary>What <see cref="WorkerReplay"/> found, decision by decision.</summary>
public sealed class ReplayReport
{
    internal ReplayReport(string workerId, string workerType, IReadOnlyList<ReplayStep> steps)
    {
        WorkerId = workerId;
        WorkerType = workerType;
        Steps = steps;
        FirstDifference = steps.FirstOrDefault(s => s.Outcome == ReplayOutcome.Different) is { Outcome: ReplayOutcome.Different } first ? first : null;
    }

    /// <summary>The recorded worker's id.</summary>
    public string WorkerId { get; }

    /// <summary>The worker type the decisions were evaluated with.</summary>
    public string WorkerType { get; }

    /// <summary>Every recorded decision with its outcome, oldest first.</summary>
    public IReadOnlyList<ReplayStep> Steps { get; }

    /// <summary>How many decisions were evaluated again (those with a captured snapshot).</summary>
    public int Replayed => Steps.Count(s => s.Outcome != ReplayOutcome.NotCaptured);

    /// <summary>The first decision that came out differently, or <see langword="null"/> when none did.</summary>
    public ReplayStep? FirstDifference { get; }

    /// <summary>At least one decision was evaluated and every evaluated one came out the same.</summary>
    public bool AllSame => FirstDifference is null && Replayed > 0;

    /// <summary>One line: how many decisions were replayed and the first difference, if any.</summary>
    public override string ToString() => FirstDifference is { } d
        ? string.Create(CultureInfo.InvariantCulture, $"{WorkerId} ({WorkerType}): decision {d.Index} of {Steps.Count} differs, in state {d.Recorded.State} at {d.Recorded.At:O}: {d.Difference}")
        : string.Create(CultureInfo.InvariantCulture, $"{WorkerId} ({WorkerType}): {Replayed} of {Steps.Count} decisions replayed, all the same");
}
