namespace Corpus.Plant109;

public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

public sealed record Unit(int Speed);

[Worker]
public sealed partial class Plant109Line : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all units healthy")
         : Stay($"{s.Children.Unhealthy} units unhealthy");
}

[Worker]
public sealed partial class Plant109Tank : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker]
[ChildOf(typeof(Plant109Line))]
[ChildOf(typeof(Plant109Tank))]
public sealed partial class Plant109Unit : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"at {s.Desired.Speed}");
}

[Worker, ChildOf(typeof(Plant109Tank))]
public sealed partial class Plant109Valve : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Open(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("open");
}

[Worker]
public sealed partial class Plant109Lamp : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Lit(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("lit");
}

public static class Plant109Plan
{
    public static LineSpec Line(int speed) => new(new ChildSpecs<Plant109Line>().Add(Plant109Unit.AsChild("u1", new Unit(speed))));
}
