namespace FsmV2;

/// <summary>
/// The tick loop of <see cref="Supervisor.RunAsync"/> on the real clock: a dedicated background thread that waits
/// for each tick on the cancellation token's wait handle, so it needs no thread-pool thread and actions that block
/// pool threads cannot delay it. (A <see cref="PeriodicTimer"/>, an <see cref="ITimer"/> of
/// <see cref="TimeProvider.System"/> and an <c>await</c> all resume on the thread pool.)
/// </summary>
internal static class TickThread
{
    /// <summary>The name of the thread, as debuggers and thread dumps show it.</summary>
    public const string Name = "FsmV2 tick";

    /// <summary>
    /// Starts the thread, which calls <paramref name="tick"/> on the schedule of <see cref="Run"/> until
    /// <paramref name="ct"/> is cancelled. The task completes then (on the thread pool, not on the tick thread); it
    /// faults only if the loop itself failed (for example <paramref name="ct"/>'s source was disposed while running).
    /// </summary>
    public static Task Start(TimeProvider time, TimeSpan interval, Action tick, CancellationToken ct)
    {
        WaitHandle cancelled = ct.WaitHandle;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(time, interval, tick, delay => cancelled.WaitOne(CeilingMilliseconds(delay)));
                done.SetResult();
            }
#pragma warning disable CA1031 // An exception escaping a thread ends the process: hand it to the awaiting RunAsync instead.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = Name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// Calls <paramref name="tick"/> at every multiple of <paramref name="interval"/> after the start, measured with
    /// <paramref name="time"/>'s timestamps, between calls to <paramref name="wait"/> (given the time to the next
    /// tick, zero when it is already due; it returns <see langword="true"/> to stop). The schedule does not drift
    /// with the time a tick takes; a tick that is due while the previous one still runs is run once as soon as
    /// that one returns, and the others that fell in that time are skipped (as <see cref="PeriodicTimer"/> does).
    /// </summary>
    public static void Run(TimeProvider time, TimeSpan interval, Action tick, Func<TimeSpan, bool> wait)
    {
        long period = interval.Ticks;
        long start = time.GetTimestamp();
        long due = period;
        TimeSpan delay = interval;
        while (!wait(delay))
        {
            long elapsed = time.GetElapsedTime(start).Ticks;
            if (elapsed >= due)
            {
                tick();
                long slot = elapsed - (elapsed % period);
                due = slot > long.MaxValue - period ? long.MaxValue : slot + period;
                elapsed = time.GetElapsedTime(start).Ticks;
            }

            delay = TimeSpan.FromTicks(Math.Max(0, due - elapsed));
        }
    }

    // WaitOne takes whole milliseconds: round up so as not to wake just before the tick is due and spin, and cap
    // at its maximum (the loop waits again for the rest).
    private static int CeilingMilliseconds(TimeSpan delay) =>
        (int)Math.Min(int.MaxValue, (delay.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
}
