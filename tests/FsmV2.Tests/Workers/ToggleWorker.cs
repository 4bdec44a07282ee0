using FsmV2;

namespace FsmV2.Tests.Workers;

public sealed record ToggleSpec;

public sealed record ToggleStatus;

/// <summary>
/// A worker that switches state on every tick (while its observation is fresh), so a tick over many of them
/// logs and counts one transition per worker. Its collector completes synchronously with a cached value.
/// </summary>
[Worker]
public sealed partial class ToggleWorker : IWorker<ToggleSpec, ToggleStatus>
{
    private static readonly ValueTask<ToggleStatus> Status = ValueTask.FromResult(new ToggleStatus());

    public ValueTask<ToggleStatus> CollectAsync(ToggleSpec desired, CancellationToken ct) => Status;

    [State(Initial = true)]
    [TransitionsTo(nameof(Down))]
    static Next Up(in Snapshot<ToggleSpec, ToggleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Down, "toggle");

    [State]
    [TransitionsTo(nameof(Up))]
    static Next Down(in Snapshot<ToggleSpec, ToggleStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Up, "toggle");
}
