namespace FsmV2;

/// <summary>
/// The warning logged one attempt before escalation, made by <see cref="OperatorMessages.TryPreEscalationWarning"/>:
/// time to look before the failure is escalated.
/// </summary>
/// <param name="Name">What the circuit guards (a child id).</param>
/// <param name="Scope">Whether all workers or one is affected.</param>
/// <param name="Attempt">The current attempt (one less than the maximum).</param>
/// <param name="AttemptsRemaining">Attempts left before escalation: 1.</param>
/// <param name="Downtime">How long the circuit has been open.</param>
/// <param name="NextRetryIn">How long until the last probe before escalation.</param>
/// <param name="RunbookSection">Where the operator should read next.</param>
internal readonly record struct PreEscalationWarning(
    string Name,
    ErrorScope Scope,
    int Attempt,
    int AttemptsRemaining,
    TimeSpan Downtime,
    TimeSpan NextRetryIn,
    string RunbookSection);
