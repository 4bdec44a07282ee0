using FsmV2;

namespace FsmV2.Hosting.Tests;

public sealed record ValveSpec(bool Open = true);

public sealed record ValveStatus(bool Open);

/// <summary>
/// A small worker for the hosting tests: Closed → Opening → Open, and back to Closed on shutdown. Its Open action
/// can be held by the test (<see cref="Gate"/>) to check that a shutdown drains an action in flight.
/// </summary>
[Worker]
public sealed partial class ValveWorker : IWorker<ValveSpec, ValveStatus>
{
    private volatile bool _open;
    private int _opens;
    private int _cancelled;

    /// <summary>When set, the Open action waits for it (or for cancellation, unless <see cref="IgnoresCancellation"/>).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, the Open action waits for <see cref="Gate"/> whatever its token says.</summary>
    public bool IgnoresCancellation { get; set; }

    /// <summary>Set when the Open action has started.</summary>
    public TaskCompletionSource OpenStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Opens => Volatile.Read(ref _opens);

    public int Cancelled => Volatile.Read(ref _cancelled);

    public ValueTask<ValveStatus> CollectAsync(ValveSpec desired, CancellationToken ct) => ValueTask.FromResult(new ValveStatus(_open));

    [State(Initial = true, Phase = LifecyclePhase.Stopped)]
    [TransitionsTo(nameof(Opening))]
    static Next Closed(in Snapshot<ValveSpec, ValveStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Open ? Goto(State.Opening, "desired: open")
         : Stay("desired: closed");

    [State(Phase = LifecyclePhase.Starting)]
    [TransitionsTo(nameof(Open), nameof(Closed))]
    static Next Opening(in Snapshot<ValveSpec, ValveStatus> s)
        => s.ShutdownRequested ? Goto(State.Closed, "shutdown requested")
         : s.Observed.Open ? Goto(State.Open, "valve reports open")
         : Do(Act.OpenValve, "valve not open yet");

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(Closed))]
    static Next Open(in Snapshot<ValveSpec, ValveStatus> s)
        => s.ShutdownRequested ? Goto(State.Closed, "shutdown requested")
         : Stay("open");

    [Action(TimeoutMs = 60_000)]
    async Task OpenValve(CancellationToken ct)
    {
        Interlocked.Increment(ref _opens);
        OpenStarted.TrySetResult();
        if (Gate is { } gate)
        {
            try
            {
                await (IgnoresCancellation ? gate.Task : gate.Task.WaitAsync(ct));
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _cancelled);
                throw;
            }
        }

        _open = true;
    }
}
