namespace FsmV2;

/// <summary>
/// The escalation log made by <see cref="OperatorMessages.Escalation"/> when an outage has used up its attempts:
/// the facts, the runbook section, and the steps to take, so the operator need not search for them.
/// </summary>
public sealed class EscalationMessage
{
    internal EscalationMessage(string name, ErrorScope scope, int attempts, TimeSpan downtime, string? lastFailureReason, string runbookSection, IReadOnlyList<string> steps)
    {
        Name = name;
        Scope = scope;
        Attempts = attempts;
        Downtime = downtime;
        LastFailureReason = lastFailureReason;
        RunbookSection = runbookSection;
        Steps = steps;
    }

    /// <summary>What the circuit guards (a child id).</summary>
    public string Name { get; }

    /// <summary>Whether all workers or one is affected.</summary>
    public ErrorScope Scope { get; }

    /// <summary>The attempts made in this outage.</summary>
    public int Attempts { get; }

    /// <summary>How long the circuit has been open.</summary>
    public TimeSpan Downtime { get; }

    /// <summary>The reason given with the last failure.</summary>
    public string? LastFailureReason { get; }

    /// <summary>The runbook section for this escalation (a path and anchor in this repository's <c>docs/runbook.md</c>).</summary>
    public string RunbookSection { get; }

    /// <summary>What the operator does, in order.</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>The whole message on one line, starting with "ESCALATION REQUIRED" so it is easy to alert on.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append("ESCALATION REQUIRED: ").Append(Scope).Append(" failure of '").Append(Name)
            .Append("' after ").Append(Attempts).Append(" attempt(s) over ").Append(Downtime)
            .Append("; last failure: ").Append(LastFailureReason ?? "(none recorded)")
            .Append(". Runbook: ").Append(RunbookSection).Append('.');
        for (int i = 0; i < Steps.Count; i++)
        {
            text.Append(' ').Append(i + 1).Append(") ").Append(Steps[i]);
        }

        return text.ToString();
    }
}
