namespace FsmV2.Benchmarks.Workers;

/// <summary>Desired state of <see cref="LinkWorker"/>; the benchmark never changes it.</summary>
public sealed record LinkConfig(string Endpoint);

/// <summary>Observed state of <see cref="LinkWorker"/>; the benchmark never changes it.</summary>
public sealed record LinkStatus(bool Up);

/// <summary>
/// A four-state cycle, Idle → Connecting → Connected → Disconnecting → Idle, where every state moves on
/// unconditionally. It exists so the dispatch benchmark measures the generated switch, the decision value and
/// the declared-transition check, and nothing a real state would add.
/// </summary>
[Worker]
public sealed partial class LinkWorker : IWorker<LinkConfig, LinkStatus>
{
    private static readonly LinkStatus Down = new(false);

    /// <summary>Not used by the dispatch benchmark, which builds its snapshot once.</summary>
    public ValueTask<LinkStatus> CollectAsync(LinkConfig desired, CancellationToken ct) => ValueTask.FromResult(Down);

    // Every state checks ShutdownRequested first, as real workers do; the benchmark's snapshot never asks for it,
    // so the cycle goes round unconditionally.
    [State(Initial = true)]
    [TransitionsTo(nameof(Connecting))]
    static Next Idle(in Snapshot<LinkConfig, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Connecting, "connect");

    [State]
    [TransitionsTo(nameof(Connected))]
    static Next Connecting(in Snapshot<LinkConfig, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Connected, "handshake done");

    [State]
    [TransitionsTo(nameof(Disconnecting))]
    static Next Connected(in Snapshot<LinkConfig, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Disconnecting, "disconnect");

    [State]
    [TransitionsTo(nameof(Idle))]
    static Next Disconnecting(in Snapshot<LinkConfig, LinkStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Goto(State.Idle, "closed");
}
