namespace FsmV2;

/// <summary>How one recorded decision came out when <see cref="WorkerReplay"/> evaluated it again.</summary>
public enum ReplayOutcome
{
    /// <summary>The state decided the same: same kind, target and reason.</summary>
    Same,

    /// <summary>The state decided differently, threw, or could not be evaluated (see <see cref="ReplayStep.Difference"/>).</summary>
    Different,

    /// <summary>The decision has no captured snapshot (its type was not captured, or the byte budget dropped it), so it was not evaluated.</summary>
    NotCaptured,
}
