namespace FsmV2;

/// <summary>
/// Holds back the restart of an action that just failed (threw, timed out or was abandoned) until a backoff delay
/// has passed, growing with each consecutive failure of that action and reset by its success
/// (<see cref="SupervisorOptions.ActionRetryBackoff"/>). The worker keeps deciding meanwhile: a <c>Do</c> of the
/// held action is skipped, anything else goes ahead. Used on the tick's thread only; allocates nothing.
/// </summary>
internal sealed class ActionRetryGate(BackoffPolicy policy, Random random)
{
    private ActionResult? _seen;
    private string? _failing;
    private BackoffState _backoff;
    private long _retryAtUtcTicks; // read by status readers on other threads; 0 when nothing is held

    /// <summary>The retry time the worker last logged as held (it logs each hold once).</summary>
    public DateTimeOffset Logged { get; set; }

    /// <summary>Consecutive failures of the action being held back.</summary>
    public int Failures { get; private set; }

    /// <summary>When the held action may start again.</summary>
    public DateTimeOffset RetryAt => new(Volatile.Read(ref _retryAtUtcTicks), TimeSpan.Zero);

    /// <summary>When the held action may start again, if one is held at <paramref name="now"/>; safe from any thread.</summary>
    public DateTimeOffset? HeldUntil(DateTimeOffset now)
    {
        long ticks = Volatile.Read(ref _retryAtUtcTicks);
        return ticks > now.UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    /// <summary>Whether <paramref name="action"/> must wait at <paramref name="now"/>, given the worker's latest result.</summary>
    public bool Holds(string action, ActionResult? latest, DateTimeOffset now)
    {
        if (latest is not null && !ReferenceEquals(latest, _seen))
        {
            _seen = latest;
            if (latest.Outcome is ActionOutcome.Failed or ActionOutcome.TimedOut or ActionOutcome.Abandoned)
            {
                if (latest.Action != _failing)
                {
                    _failing = latest.Action;
                    Failures = 0;
                    _backoff.Reset();
                }

                Failures++;
                DateTimeOffset retryAt = latest.CompletedAt + policy.NextDelay(Failures, ref _backoff, random.NextDouble());
                Volatile.Write(ref _retryAtUtcTicks, retryAt.UtcTicks);
            }
            else if (latest.Outcome == ActionOutcome.Succeeded && latest.Action == _failing)
            {
                _failing = null;
                Failures = 0;
                Volatile.Write(ref _retryAtUtcTicks, 0);
            }
        }

        return action == _failing && now < RetryAt;
    }
}
