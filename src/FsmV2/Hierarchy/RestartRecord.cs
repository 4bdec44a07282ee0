namespace FsmV2;

/// <summary>One restart of a worker, kept with the worker's id (it survives the instance it ended).</summary>
/// <param name="At">When the restart was decided.</param>
/// <param name="Reason">Why, in an operator's words (the failure, or who asked).</param>
/// <param name="Strategy">
/// The parent's strategy that decided it; <see langword="null"/> when the worker restarted itself
/// (<see cref="Signal.Restart"/>) or an operator restarted it.
/// </param>
/// <param name="EndedInstance">The instance that ended: 1 for the first instance, 2 for the one after the first restart, and so on.</param>
public sealed record RestartRecord(DateTimeOffset At, string Reason, RestartStrategy? Strategy, int EndedInstance);
