using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>What <see cref="RogueWorker"/> decides: a state or action index it computes (-1: none).</summary>
public sealed record RogueSpec(int StateIndex = -1, int ActionIndex = -1);

public sealed record RogueStatus;

/// <summary>
/// A worker with a bug the runtime must contain: its state computes a state or action index from its spec and casts
/// it to <c>State</c> or <c>Act</c>, so it can name a state or action the worker does not have.
/// </summary>
[Worker]
public sealed partial class RogueWorker : IWorker<RogueSpec, RogueStatus>
{
    private static readonly ValueTask<RogueStatus> Status = ValueTask.FromResult(new RogueStatus());

    public ValueTask<RogueStatus> CollectAsync(RogueSpec desired, CancellationToken ct) => Status;

    [State(Initial = true, Terminal = true)]
    static Next Holding(in Snapshot<RogueSpec, RogueStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.ActionIndex >= 0 ? Do((Act)s.Desired.ActionIndex, "computed action")
         : s.Desired.StateIndex >= 0 ? Goto((State)s.Desired.StateIndex, "computed state")
         : Stay("holding");

    [Action]
    static Task Nudge(CancellationToken ct) => Task.CompletedTask;
}
