using FsmV2;

namespace FsmV2.Communicator.Tests.Workers;

/// <summary>
/// A switch shared by the trouble workers: while <see cref="On"/>, each of them misbehaves in its own way so that
/// the supervisor records the instruments that only move on failures; switched off, they all behave.
/// </summary>
public sealed class Trouble
{
    private volatile bool _on = true;

    public bool On
    {
        get => _on;
        set => _on = value;
    }
}

public sealed record TroubleSpec(Trouble Trouble);

public sealed record TroubleSeen(bool On);

/// <summary>Its action ignores everything but cancellation, so it runs into its 100 ms timeout.</summary>
[Worker]
public sealed partial class DeafWorker : IWorker<TroubleSpec, TroubleSeen>
{
    public ValueTask<TroubleSeen> CollectAsync(TroubleSpec desired, CancellationToken ct) => ValueTask.FromResult(new TroubleSeen(desired.Trouble.On));

    [State(Initial = true)]
    static Next Waiting(in Snapshot<TroubleSpec, TroubleSeen> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.On ? Do(Act.Hang, "hang until the timeout")
         : Stay("quiet");

    [Action(TimeoutMs = 100)]
    Task Hang(CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);
}

/// <summary>Its state throws while the trouble is on: faults open its circuit, failed probes escalate.</summary>
[Worker]
public sealed partial class ThrowingWorker : IWorker<TroubleSpec, TroubleSeen>
{
    public ValueTask<TroubleSeen> CollectAsync(TroubleSpec desired, CancellationToken ct) => ValueTask.FromResult(new TroubleSeen(desired.Trouble.On));

    [State(Initial = true)]
    static Next Working(in Snapshot<TroubleSpec, TroubleSeen> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.On ? throw new InvalidOperationException("the state fails on purpose")
         : Stay("working");
}

/// <summary>Its collector answers once, then throws while the trouble is on: collector errors, then a stale observation.</summary>
[Worker]
public sealed partial class BlindWorker : IWorker<TroubleSpec, TroubleSeen>
{
    private int _collections;

    public ValueTask<TroubleSeen> CollectAsync(TroubleSpec desired, CancellationToken ct)
        => Interlocked.Increment(ref _collections) > 1 && desired.Trouble.On
            ? throw new IOException("the sensor is unplugged on purpose")
            : ValueTask.FromResult(new TroubleSeen(desired.Trouble.On));

    [State(Initial = true)]
    static Next Watching(in Snapshot<TroubleSpec, TroubleSeen> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("watching");
}

public sealed record ParentSpec(IReadOnlyList<ChildSpec> Kids) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Kids;

    public RestartStrategy RestartStrategy => RestartStrategy.OneForOne;
}

/// <summary>A parent of <see cref="FlakyChildWorker"/>s: reconciles, counts children, and recovers them through its infrastructure circuit.</summary>
[Worker]
public sealed partial class ParentWorker : IWorker<ParentSpec, TroubleSeen>
{
    public ValueTask<TroubleSeen> CollectAsync(ParentSpec desired, CancellationToken ct) => ValueTask.FromResult(new TroubleSeen(false));

    [State(Initial = true)]
    static Next Running(in Snapshot<ParentSpec, TroubleSeen> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

/// <summary>A child whose collector fails from its second collection while <see cref="Failing"/>; restarted instances come healthy.</summary>
[Worker, ChildOf(typeof(ParentWorker))]
public sealed partial class FlakyChildWorker : IWorker<TroubleSpec, TroubleSeen>
{
    private int _collections;

    public bool Failing { get; init; }

    public ValueTask<TroubleSeen> CollectAsync(TroubleSpec desired, CancellationToken ct)
        => Failing && Interlocked.Increment(ref _collections) > 1
            ? throw new IOException("the child's device is gone on purpose")
            : ValueTask.FromResult(new TroubleSeen(false));

    [State(Initial = true)]
    static Next Running(in Snapshot<TroubleSpec, TroubleSeen> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}
