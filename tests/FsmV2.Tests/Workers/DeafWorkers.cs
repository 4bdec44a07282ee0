using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>
/// A leaf whose action ignores its cancellation token: it runs until the test completes <c>release</c>, whatever the
/// supervisor asks. <c>started</c> completes when the action runs.
/// </summary>
[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class DeafCellWorker(Task release, TaskCompletionSource started) : NodeBase, IWorker<NodeSpec, NodeStatus>
{
    [State(Initial = true, Terminal = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Working(in Snapshot<NodeSpec, NodeStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Do(Act.Hold, "holding");

    [Action(TimeoutMs = 1_000)]
    async Task Hold(CancellationToken ct)
    {
        started.TrySetResult();
        await release; // ignores ct on purpose
    }
}
