namespace FsmV2;

/// <summary>What the <see cref="RestartPlanner"/> needs to know about one child.</summary>
/// <param name="Id">The child's id, unique among its siblings.</param>
/// <param name="Policy">When it is restarted.</param>
/// <param name="Exit">Whether it is running, and if not, how it ended.</param>
/// <param name="StartOrder">Its position in start order (lower started earlier); <see cref="RestartStrategy.RestForOne"/> uses it.</param>
internal readonly record struct SupervisedChild(string Id, RestartPolicy Policy, ChildExit Exit, int StartOrder);
