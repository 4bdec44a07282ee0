namespace FsmV2;

/// <summary>Whether a child is running, and if not, how it ended; the input a <see cref="RestartPolicy"/> is applied to.</summary>
internal enum ChildExit
{
    /// <summary>Still running.</summary>
    Running = 0,

    /// <summary>Ended normally: it asked to be removed, or it finished its work.</summary>
    Normal = 1,

    /// <summary>Ended with a fault: it crashed, its action kept failing, or the health checker declared it failed.</summary>
    Abnormal = 2,
}
