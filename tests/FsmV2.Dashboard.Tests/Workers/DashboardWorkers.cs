using System.Text.Json.Serialization;
using FsmV2;

namespace FsmV2.Dashboard.Tests.Workers;

/// <summary>What the probe is told to watch: a question it asks, in process, of the backend.</summary>
public sealed record ProbeSpec(Func<bool> BackendUp);

public sealed record ProbeSeen(bool Up);

/// <summary>
/// A health probe of the backend beside the communicator: its collector throws while the backend is out, so an outage
/// opens its fault circuit (the page must show that), and it reports Up again when the backend is back.
/// </summary>
[Worker]
public sealed partial class BackendProbeWorker : IWorker<ProbeSpec, ProbeSeen>
{
    public ValueTask<ProbeSeen> CollectAsync(ProbeSpec desired, CancellationToken ct)
        => desired.BackendUp() ? ValueTask.FromResult(new ProbeSeen(true)) : throw new HttpRequestException("the backend answers 503");

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Up(in Snapshot<ProbeSpec, ProbeSeen> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay("the backend answers");
}

/// <summary>A spec with a secret; its type does not opt in, so the dashboard must never show it.</summary>
public sealed record SecretSpec(string ConnectionString);

public sealed record Nothing;

[Worker]
public sealed partial class SecretWorker : IWorker<SecretSpec, Nothing>
{
    public ValueTask<Nothing> CollectAsync(SecretSpec desired, CancellationToken ct) => ValueTask.FromResult(new Nothing());

    [State(Initial = true)]
    static Next Idle(in Snapshot<SecretSpec, Nothing> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
}

/// <summary>A spec whose type opts in: the dashboard shows it, but not its <c>[JsonIgnore]</c> property.</summary>
[ShowSpecOnDashboard]
public sealed record OpenSpec(string Region, [property: JsonIgnore] string Password);

[Worker]
public sealed partial class OpenWorker : IWorker<OpenSpec, Nothing>
{
    public ValueTask<Nothing> CollectAsync(OpenSpec desired, CancellationToken ct) => ValueTask.FromResult(new Nothing());

    [State(Initial = true)]
    static Next Idle(in Snapshot<OpenSpec, Nothing> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
}

/// <summary>Its state always throws: its fault circuit opens on its first decision.</summary>
[Worker]
public sealed partial class FailingWorker : IWorker<Nothing, Nothing>
{
    public ValueTask<Nothing> CollectAsync(Nothing desired, CancellationToken ct) => ValueTask.FromResult(new Nothing());

    [State(Initial = true)]
    static Next Broken(in Snapshot<Nothing, Nothing> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : throw new InvalidOperationException("broken on purpose");
}

/// <summary>Its collector answers once, then never again: its observation goes stale.</summary>
[Worker]
public sealed partial class SilentWorker : IWorker<Nothing, Nothing>
{
    private int _calls;

    public ValueTask<Nothing> CollectAsync(Nothing desired, CancellationToken ct)
        => Interlocked.Increment(ref _calls) == 1 ? ValueTask.FromResult(new Nothing()) : new ValueTask<Nothing>(Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => new Nothing(), TaskScheduler.Default));

    [State(Initial = true)]
    static Next Listening(in Snapshot<Nothing, Nothing> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("listening");
}

/// <summary>A spec that opts in but cannot be written as JSON (its getter throws).</summary>
[ShowSpecOnDashboard]
public sealed class UnwritableSpec
{
    public string Value => throw new InvalidOperationException("this getter refuses");
}

[Worker]
public sealed partial class UnwritableWorker : IWorker<UnwritableSpec, Nothing>
{
    public ValueTask<Nothing> CollectAsync(UnwritableSpec desired, CancellationToken ct) => ValueTask.FromResult(new Nothing());

    [State(Initial = true)]
    static Next Idle(in Snapshot<UnwritableSpec, Nothing> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
}

public sealed record LineSpec(IReadOnlyList<ChildSpec> Cells) : IHasChildren
{
    public IReadOnlyList<ChildSpec> Children => Cells;

    public RestartStrategy RestartStrategy => RestartStrategy.OneForOne;
}

/// <summary>A parent with one child, so the tree has depth and the parent an infrastructure circuit.</summary>
[Worker]
public sealed partial class LineWorker : IWorker<LineSpec, Nothing>
{
    public ValueTask<Nothing> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(new Nothing());

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Running(in Snapshot<LineSpec, Nothing> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker, ChildOf(typeof(LineWorker))]
public sealed partial class CellWorker : IWorker<Nothing, Nothing>
{
    public ValueTask<Nothing> CollectAsync(Nothing desired, CancellationToken ct) => ValueTask.FromResult(new Nothing());

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Working(in Snapshot<Nothing, Nothing> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("working");
}
