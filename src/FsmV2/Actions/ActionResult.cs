namespace FsmV2;

/// <summary>The record of one action run: which action, how it ended, how long it took and what went wrong.</summary>
/// <param name="Action">The action's name.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Error">The error for <see cref="ActionOutcome.Failed"/>; otherwise <see langword="null"/>.</param>
/// <param name="CompletedAt">When it ended.</param>
public sealed record ActionResult(string Action, ActionOutcome Outcome, TimeSpan Duration, Exception? Error, DateTimeOffset CompletedAt);
