namespace FsmV2;

/// <summary>
/// What to do after a child ended, as decided by <see cref="RestartPlanner"/>: stop the affected running
/// siblings (in reverse start order), remove Temporary children, restart the listed children (in start order),
/// or escalate to the parent.
/// </summary>
internal sealed class RestartPlan
{
    internal RestartPlan(string failedChildId, RestartStrategy strategy, bool escalate, IReadOnlyList<string> toStop, IReadOnlyList<string> toRestart, IReadOnlyList<string> toRemove, string reason)
    {
        FailedChildId = failedChildId;
        Strategy = strategy;
        Escalate = escalate;
        ToStop = toStop;
        ToRestart = toRestart;
        ToRemove = toRemove;
        Reason = reason;
    }

    /// <summary>The child whose end this plan answers.</summary>
    public string FailedChildId { get; }

    /// <summary>The strategy the plan was made with.</summary>
    public RestartStrategy Strategy { get; }

    /// <summary>
    /// Whether the restart intensity is exceeded: restart nothing, stop every running child (listed in
    /// <see cref="ToStop"/>) and report the failure to the parent supervisor.
    /// </summary>
    public bool Escalate { get; }

    /// <summary>Running children to stop first, in reverse start order (the failed child has already ended).</summary>
    public IReadOnlyList<string> ToStop { get; }

    /// <summary>Children to start again, in start order.</summary>
    public IReadOnlyList<string> ToRestart { get; }

    /// <summary>Temporary children affected by the plan: they are removed, never restarted.</summary>
    public IReadOnlyList<string> ToRemove { get; }

    /// <summary>Why, in words an operator can read in the log.</summary>
    public string Reason { get; }

    /// <summary>Whether the plan changes nothing (the child ended and stays ended, nothing else is touched).</summary>
    public bool IsNoOp => !Escalate && ToStop.Count == 0 && ToRestart.Count == 0 && ToRemove.Count == 0;
}
