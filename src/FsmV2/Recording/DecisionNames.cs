namespace FsmV2;

/// <summary>How a decision's target is named in a <see cref="DecisionRecord"/>, when recorded and when replayed.</summary>
internal static class DecisionNames
{
    /// <summary>The target state's or action's name, the signal's name, or <see langword="null"/> (a stay, an index the type does not have).</summary>
    public static string? Target(WorkerDefinition definition, in Next next) => Target(definition, next.Kind, TargetIndex(in next));

    /// <summary>What the ring keeps of a decision's target: the state or action index, or the signal's value; -1 for a stay.</summary>
    public static int TargetIndex(in Next next) => next.Kind switch
    {
        NextKind.Goto => next.State,
        NextKind.Do => next.Action,
        NextKind.Signal => (int)next.Signal,
        _ => -1,
    };

    /// <summary>The name of target <paramref name="index"/> (<see cref="TargetIndex"/>) of a decision of kind <paramref name="kind"/>.</summary>
    public static string? Target(WorkerDefinition definition, NextKind kind, int index) => kind switch
    {
        NextKind.Goto when (uint)index < (uint)definition.StateCount => definition.GetStateName(index),
        NextKind.Do when (uint)index < (uint)definition.ActionCount => definition.GetActionName(index),
        NextKind.Signal => (Signal)index switch
        {
            Signal.Remove => nameof(Signal.Remove),
            Signal.Restart => nameof(Signal.Restart),
            _ => null,
        },
        _ => null,
    };
}
