namespace FsmV2;

/// <summary>
/// The fields of one "circuit open, still recovering" heartbeat log, made by
/// <see cref="OperatorMessages.Heartbeat"/>. A value type: building it allocates nothing.
/// </summary>
/// <param name="Name">What the circuit guards (a child id).</param>
/// <param name="Scope">Whether all workers or one is affected.</param>
/// <param name="Attempt">The recovery attempt of this outage.</param>
/// <param name="MaxAttempts">The attempt at which it is escalated.</param>
/// <param name="Downtime">How long the circuit has been open.</param>
/// <param name="NextRetryIn">How long until the next probe; zero if one is due or running, or the circuit is isolated.</param>
/// <param name="Status">Where the outage stands on the way to escalation.</param>
/// <param name="LastFailureReason">The reason given with the last failure.</param>
internal readonly record struct HeartbeatFields(
    string Name,
    ErrorScope Scope,
    int Attempt,
    int MaxAttempts,
    TimeSpan Downtime,
    TimeSpan NextRetryIn,
    RecoveryStatus Status,
    string? LastFailureReason);
