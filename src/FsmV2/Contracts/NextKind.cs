namespace FsmV2;

/// <summary>What a <see cref="Next"/> decision asks for.</summary>
public enum NextKind : byte
{
    /// <summary>Keep the current state and do nothing.</summary>
    Stay,

    /// <summary>Change to <see cref="Next.State"/>.</summary>
    Goto,

    /// <summary>Keep the current state and run <see cref="Next.Action"/>.</summary>
    Do,

    /// <summary>Send <see cref="Next.Signal"/> to the supervisor.</summary>
    Signal,
}
