namespace Corpus.Plant104;

public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

public sealed record Unit(int Speed);

[Worker]
public sealed partial class Plant104Line : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all units healthy")
         : Stay($"{s.Children.Unhealthy} units unhealthy");
}

[Worker]
public sealed partial class Plant104Tank : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker, ChildOf(typeof(Plant104Line))]
public sealed partial class Plant104Unit : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"at {s.Desired.Speed}");
}

[Worker, ChildOf(typeof(Plant104Tank))]
public sealed partial class Plant104Valve : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Open(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("open");
}

[Worker]
public sealed partial class Plant104Lamp : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Lit(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("lit");
}

public static class Plant104Plan
{
    public static LineSpec Line(int speed) => new(new ChildSpecs<Plant104Line>()
        .Add(Plant104Unit.AsChild("u1", new Unit(speed)))
        .Add(Plant104Unit.AsChild("u2", new Unit(speed * 2), enabled: false).WithPolicy(RestartPolicy.Transient)));
}
