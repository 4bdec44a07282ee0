namespace FsmV2.Testing;

/// <summary>What a <see cref="WorkerHarness{TDesired, TObserved}"/> saw a state decide.</summary>
public enum HarnessEventKind
{
    /// <summary>A declared transition (<see cref="HarnessEvent.Target"/> is the state entered).</summary>
    Transition,

    /// <summary>A Goto to a state the current state does not declare; the supervisor refused it.</summary>
    RefusedTransition,

    /// <summary>An action asked for (<see cref="HarnessEvent.Target"/> is its name).</summary>
    Action,

    /// <summary>A signal to the supervisor (<see cref="HarnessEvent.Target"/> is <c>Remove</c> or <c>Restart</c>).</summary>
    Signal,
}

/// <summary>One decision a harness recorded: in which state, what it decided, why and when.</summary>
/// <param name="Kind">What was decided.</param>
/// <param name="State">The state that decided.</param>
/// <param name="Target">The state entered, the action or the signal.</param>
/// <param name="Reason">The reason the state gave.</param>
/// <param name="At">The (fake) time of the tick.</param>
public sealed record HarnessEvent(HarnessEventKind Kind, string State, string Target, string Reason, DateTimeOffset At)
{
    /// <summary>E.g. <c>Transition Starting -> Running: pump reports running</c>.</summary>
    public override string ToString() => Kind switch
    {
        HarnessEventKind.Transition or HarnessEventKind.RefusedTransition => $"{Kind} {State} -> {Target}: {Reason}",
        _ => $"{Kind} {Target} in {State}: {Reason}",
    };
}

/// <summary>Thrown by the assertions of <see cref="WorkerHarness{TDesired, TObserved}"/>; the message lists what happened.</summary>
public sealed class HarnessAssertionException : Exception
{
    /// <summary>An exception with <paramref name="message"/>.</summary>
    public HarnessAssertionException(string message)
        : base(message)
    {
    }
}
