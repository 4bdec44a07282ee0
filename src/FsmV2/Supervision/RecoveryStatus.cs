namespace FsmV2;

/// <summary>Where an outage stands on the way to escalation, as one word an operator can alert on.</summary>
internal enum RecoveryStatus
{
    /// <summary>The circuit is closed: nothing to recover from.</summary>
    Healthy = 0,

    /// <summary>The first attempts are under way; most outages end here.</summary>
    AttemptingRecovery = 1,

    /// <summary>Several attempts have failed; the dependency is not coming back on its own quickly.</summary>
    PersistentFailure = 2,

    /// <summary>One attempt remains before escalation.</summary>
    EscalationImminent = 3,

    /// <summary>The maximum number of attempts is used up: the failure has been escalated to the parent and an operator.</summary>
    Escalated = 4,

    /// <summary>An operator isolated the circuit; it stays open until they close it.</summary>
    Isolated = 5,
}
