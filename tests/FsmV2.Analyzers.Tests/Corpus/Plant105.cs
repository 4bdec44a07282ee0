namespace Corpus.Plant105;

public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

public sealed record Unit(int Speed);

[Worker]
public sealed partial class Plant105Line : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all units healthy")
         : Stay($"{s.Children.Unhealthy} units unhealthy");
}

[Worker]
public sealed partial class Plant105Tank : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker]
[ChildOf(typeof(Plant105Line))]
[ChildOf(typeof(Plant105Tank))]
public sealed partial class Plant105Unit : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"at {s.Desired.Speed}");
}

[Worker, ChildOf(typeof(Plant105Tank))]
public sealed partial class Plant105Valve : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Open(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("open");
}

[Worker]
public sealed partial class Plant105Lamp : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Lit(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("lit");
}

public static class Plant105Plan
{
    public static LineSpec Line(int speed) => new(new ChildSpecs<Plant105Line>
    {
        Plant105Unit.AsChild("u1", new Unit(speed)),
        ChildSpec.Create<Plant105Unit, Unit, bool>("u2", new Unit(speed), () => new Plant105Unit()),
    });
}
