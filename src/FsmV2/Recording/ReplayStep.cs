namespace FsmV2;

/// <summary>One recorded decision and what evaluating its state again on its captured snapshot gave.</summary>
/// <param name="Index">The decision's position in the recording, from 0.</param>
/// <param name="Recorded">The decision as recorded.</param>
/// <param name="Outcome">Whether the same decision came out.</param>
/// <param name="Kind">The replayed decision's kind; <see langword="null"/> when nothing was evaluated or the state threw.</param>
/// <param name="Target">The replayed decision's target, named as in <see cref="DecisionRecord.Target"/>.</param>
/// <param name="Reason">The replayed decision's reason.</param>
/// <param name="Difference">What differs, in words (for example <c>kind Goto -&gt; Stay</c>); <see langword="null"/> unless <see cref="ReplayOutcome.Different"/>.</param>
public readonly record struct ReplayStep(int Index, DecisionRecord Recorded, ReplayOutcome Outcome, NextKind? Kind, string? Target, string? Reason, string? Difference);
