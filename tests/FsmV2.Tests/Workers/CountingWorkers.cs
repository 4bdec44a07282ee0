using FsmV2;

namespace FsmV2.Tests.Workers;

public sealed record CountSpec;

/// <summary>Observes how many times it was collected; throws while <see cref="Fail"/> is set.</summary>
[Worker]
public sealed partial class CountingWorker : IWorker<CountSpec, int>
{
    private int _calls;

    public bool Fail { get; set; }

    public ValueTask<int> CollectAsync(CountSpec desired, CancellationToken ct) =>
        Fail ? throw new InvalidOperationException("sensor down") : ValueTask.FromResult(++_calls);

    [State(Initial = true, Terminal = true)]
    static Next Counting(in Snapshot<CountSpec, int> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("counting");
}

/// <summary>What every <see cref="NoOpActionWorker"/> of a test shares: how many actions have run.</summary>
public sealed class ActionCount
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add() => Interlocked.Increment(ref _count);
}

/// <summary>Runs a no-op action on every decision: the action path end to end, again and again.</summary>
[Worker]
public sealed partial class NoOpActionWorker : IWorker<CountSpec, int>
{
    private readonly ActionCount _count;

    public NoOpActionWorker(ActionCount count) => _count = count;

    public ValueTask<int> CollectAsync(CountSpec desired, CancellationToken ct) => ValueTask.FromResult(1);

    [State(Initial = true, Terminal = true)]
    static Next Working(in Snapshot<CountSpec, int> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Do(Act.Work, "work to do");

    [Action(TimeoutMs = 60_000)]
    Task Work(CountSpec desired, CancellationToken ct)
    {
        _count.Add();
        return Task.CompletedTask;
    }
}
