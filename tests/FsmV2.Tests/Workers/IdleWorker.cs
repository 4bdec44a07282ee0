using FsmV2;

namespace FsmV2.Tests.Workers;

public sealed record IdleSpec;

public sealed record IdleStatus;

/// <summary>A worker that has nothing to do: the steady state of most of a large tree.</summary>
[Worker]
public sealed partial class IdleWorker : IWorker<IdleSpec, IdleStatus>
{
    private static readonly IdleStatus Status = new();

    public ValueTask<IdleStatus> CollectAsync(IdleSpec desired, CancellationToken ct) => ValueTask.FromResult(Status);

    [State(Initial = true, Terminal = true)]
    static Next Idle(in Snapshot<IdleSpec, IdleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
}
