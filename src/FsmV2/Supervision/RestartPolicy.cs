namespace FsmV2;

/// <summary>When a child that ended is started again (the three policies of a supervision tree).</summary>
public enum RestartPolicy
{
    /// <summary>Always restarted, whether it ended normally or with a fault. For things that must always run. The default.</summary>
    Permanent = 0,

    /// <summary>Restarted only if it ended abnormally (a fault); a normal end is final. For work that may finish.</summary>
    Transient = 1,

    /// <summary>Never restarted, not even when a sibling's failure makes the strategy restart the others. For one-shot tasks.</summary>
    Temporary = 2,
}
