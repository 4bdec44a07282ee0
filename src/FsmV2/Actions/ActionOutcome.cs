namespace FsmV2;

/// <summary>How an action run ended.</summary>
public enum ActionOutcome
{
    /// <summary>It completed without error.</summary>
    Succeeded,

    /// <summary>It threw (or returned a faulted or null task).</summary>
    Failed,

    /// <summary>It did not finish within its timeout and was cancelled.</summary>
    TimedOut,

    /// <summary>It was cancelled because its worker was removed, restarted or shut down.</summary>
    Cancelled,

    /// <summary>
    /// It ignored its cancellation for three times its timeout: its pool slot was released and its result will
    /// be ignored when (if) it ever finishes.
    /// </summary>
    Abandoned,
}
