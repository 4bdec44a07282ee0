namespace FsmV2;

/// <summary>
/// What a failure affects, stated in every operator message so the reader knows at once whether the whole
/// subtree is paused or only one worker is.
/// </summary>
public enum ErrorScope
{
    /// <summary>Shared infrastructure (a child the others depend on) failed: the supervisor skips derivation and actions for all its workers.</summary>
    Infrastructure = 0,

    /// <summary>One worker failed: only that worker is restarted or isolated; its siblings carry on.</summary>
    Worker = 1,
}
