using System.Collections.Concurrent;
using FsmV2;
using Orleans.Runtime;

namespace FsmV2.Orleans.Tests.Workers;

/// <summary>The spec carries the worker's id so its actions can report by id.</summary>
public sealed record ProbeSpec(string Id, bool Run = true, bool Beat = true);

public sealed record ProbeStatus(int Beats);

/// <summary>
/// Idle → (Start) → Working; in Working it beats (an action) after every observation, for ever (unless its spec says not to). Its actions report to
/// <see cref="Probe"/>: how often each id started, which ids beat since <see cref="Probe.Arm"/>, and any two actions
/// of one id that overlapped (across every silo of the in-process cluster: statics are shared).
/// </summary>
[Worker]
public sealed partial class ProbeWorker(ILocalSiloDetails silo) : IWorker<ProbeSpec, ProbeStatus>
{
    private readonly string _silo = silo.SiloAddress.ToString(); // created through the silo's services
    private int _beats;

    public ValueTask<ProbeStatus> CollectAsync(ProbeSpec desired, CancellationToken ct)
    {
        Probe.Pulse(); // something may have changed: waiters check again
        return ValueTask.FromResult(new ProbeStatus(Volatile.Read(ref _beats)));
    }

    [State(Initial = true)]
    [TransitionsTo(nameof(Working))]
    static Next Idle(in Snapshot<ProbeSpec, ProbeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : !s.Desired.Run ? Stay("desired: not running")
         : s.Observed.Beats > 0 ? Goto(State.Working, "started")
         : Do(Act.Start, "not started");

    [State]
    [TransitionsTo(nameof(Idle))]
    static Next Working(in Snapshot<ProbeSpec, ProbeStatus> s)
        => s.ShutdownRequested || !s.Desired.Run ? Goto(State.Idle, "stop requested")
         : !s.Desired.Beat ? Stay("started; not beating")
         : Do(Act.Beat, "beating");

    [Action(TimeoutMs = 5_000)]
    Task Start(ProbeSpec spec, CancellationToken ct) => Probe.RunAsync(spec.Id, _silo, () =>
    {
        Interlocked.Increment(ref _beats);
        return true;
    });

    [Action(TimeoutMs = 5_000)]
    Task Beat(ProbeSpec spec, CancellationToken ct) => Probe.RunAsync(spec.Id, _silo, () =>
    {
        Interlocked.Increment(ref _beats);
        return false;
    });
}

/// <summary>What the probe workers' actions saw, shared by every silo of the in-process cluster.</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, int> InFlight = new();
    private static readonly Lock Gate = new();
    private static TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many Start actions ran per worker id.</summary>
    public static ConcurrentDictionary<string, int> Starts { get; } = new();

    /// <summary>How many Beat actions ran per worker id.</summary>
    public static ConcurrentDictionary<string, long> Beats { get; } = new();

    /// <summary>The silo whose services created the worker that ran each id's Start action (the last one).</summary>
    public static ConcurrentDictionary<string, string> StartedOn { get; } = new();

    /// <summary>The ids whose Beat ran since the last <see cref="Arm"/>, with the silo of the last one.</summary>
    public static ConcurrentDictionary<string, string> BeatSinceArm { get; } = new();

    /// <summary>Beats run on a silo after it was marked dead with <see cref="Arm"/>.</summary>
    public static int BeatsOnDeadSilo;

    private static string? _deadSilo;

    /// <summary>Times two actions of one worker id ran at once.</summary>
    public static int Overlaps;

    /// <summary>Actions run in all.</summary>
    public static long Actions;

    public static void Arm(string? deadSilo = null)
    {
        Volatile.Write(ref _deadSilo, deadSilo);
        Interlocked.Exchange(ref BeatsOnDeadSilo, 0);
        BeatSinceArm.Clear();
    }

    internal static async Task RunAsync(string id, string silo, Func<bool> body)
    {
        if (InFlight.AddOrUpdate(id, 1, static (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref Overlaps);
        }

        try
        {
            await Task.Yield(); // leave the tick's thread: an overlapping action would now run beside this one
            if (body())
            {
                Starts.AddOrUpdate(id, 1, static (_, n) => n + 1);
                StartedOn[id] = silo;
            }
            else
            {
                Beats.AddOrUpdate(id, 1, static (_, n) => n + 1);
                if (silo == Volatile.Read(ref _deadSilo))
                {
                    Interlocked.Increment(ref BeatsOnDeadSilo);
                }
                else
                {
                    BeatSinceArm[id] = silo;
                }
            }

            Interlocked.Increment(ref Actions);
        }
        finally
        {
            InFlight.AddOrUpdate(id, 0, static (_, n) => n - 1);
            Pulse();
        }
    }

    /// <summary>Waits, without polling, until <paramref name="condition"/> holds after some action; fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            Task next;
            lock (Gate)
            {
                next = _changed.Task;
            }

            if (condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }
        }
    }

    /// <summary>Waits, without polling, until <paramref name="condition"/> holds, checked after every action and collection.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (Gate)
            {
                next = _changed.Task;
            }

            if (await condition())
            {
                return;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what}.");
            }
        }
    }

    internal static void Pulse()
    {
        TaskCompletionSource done;
        lock (Gate)
        {
            done = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        done.TrySetResult();
    }
}
