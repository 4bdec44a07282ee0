namespace FsmV2;

/// <summary>Which siblings are restarted together with a child that failed.</summary>
public enum RestartStrategy
{
    /// <summary>Only the failed child. For children that do not depend on each other. The default.</summary>
    OneForOne = 0,

    /// <summary>Every child: stopped in reverse start order, started again in start order. For children that only work as a set.</summary>
    OneForAll = 1,

    /// <summary>The failed child and every child started after it. For a chain where later children depend on earlier ones.</summary>
    RestForOne = 2,
}
