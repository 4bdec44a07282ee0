using Microsoft.Extensions.Time.Testing;

namespace FsmV2.TestKit;

/// <summary>The fake clock every test and benchmark starts from, and the loop that moves it until something is done.</summary>
public static class TestClock
{
    /// <summary>When every fake clock starts: 2026-01-01 00:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A new fake clock at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Clock() => new(Start);

    /// <summary>
    /// Advances <paramref name="time"/> by <paramref name="step"/> at a time, giving <paramref name="done"/> a bounded
    /// moment (<paramref name="grace"/>, 50 ms unless told) after each step to complete, at most
    /// <paramref name="maxSteps"/> times; then awaits it (so its exception, if any, surfaces).
    /// </summary>
    public static async Task AdvanceUntilAsync(
        this FakeTimeProvider time, Task done, TimeSpan step, CancellationToken ct, int maxSteps = 300, TimeSpan? grace = null)
    {
        for (int i = 0; i < maxSteps && !done.IsCompleted; i++)
        {
            time.Advance(step);
            try
            {
                await done.WaitAsync(grace ?? TimeSpan.FromMilliseconds(50), ct);
            }
            catch (TimeoutException)
            {
                // Not yet: the next step.
            }
        }

        await done;
    }
}
