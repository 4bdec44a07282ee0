namespace FsmV2;

/// <summary>What an <see cref="ActionRunner{TDesired, TObserved}"/> tells its worker about a run's end.</summary>
internal interface IActionHost
{
    /// <summary>Before the slot is released: the worker must not decide on observations from before this point.</summary>
    void OnActionEnding();

    /// <summary>After the slot is released: time to observe again.</summary>
    void OnActionEnded();
}
