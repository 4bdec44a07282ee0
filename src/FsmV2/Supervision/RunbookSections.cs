namespace FsmV2;

/// <summary>The sections of <c>docs/runbook.md</c> that operator messages point to.</summary>
public static class RunbookSections
{
    /// <summary>An infrastructure circuit opened: all workers of a supervisor are paused.</summary>
    public const string CircuitOpen = "docs/runbook.md#circuit-open-infrastructure";

    /// <summary>A circuit has stayed open longer than <see cref="CircuitBreakerOptions.StuckOpenAfter"/>.</summary>
    public const string CircuitStuckOpen = "docs/runbook.md#circuit-stuck-open-more-than-5-minutes";

    /// <summary>A worker's faults reached its <see cref="FaultCounter"/> threshold.</summary>
    public const string RepeatedWorkerFaults = "docs/runbook.md#repeated-worker-faults";

    /// <summary>An outage used up its attempts, or a supervisor exceeded its restart intensity.</summary>
    public const string Escalation = "docs/runbook.md#escalation";
}
