namespace FsmV2;

/// <summary>What a <see cref="SupervisionEvent"/> records.</summary>
public enum SupervisionEventKind
{
    /// <summary>The worker's states, collector or derive threw.</summary>
    Fault,

    /// <summary>A circuit opened (or reopened after a failed probe).</summary>
    CircuitOpened,

    /// <summary>A circuit closed again.</summary>
    CircuitClosed,

    /// <summary>An outage used up its attempts and was escalated to the operator (<see cref="Supervisor.Escalated"/>).</summary>
    Escalation,
}
