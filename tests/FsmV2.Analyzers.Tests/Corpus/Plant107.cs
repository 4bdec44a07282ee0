namespace Corpus.Plant107;

public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

public sealed record Unit(int Speed);

[Worker]
public sealed partial class Plant107Line : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all units healthy")
         : Stay($"{s.Children.Unhealthy} units unhealthy");
}

[Worker]
public sealed partial class Plant107Tank : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker, ChildOf(typeof(Plant107Line))]
public sealed partial class Plant107Unit : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"at {s.Desired.Speed}");
}

[Worker, ChildOf(typeof(Plant107Tank))]
public sealed partial class Plant107Valve : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Open(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("open");
}

[Worker]
public sealed partial class Plant107Lamp : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Lit(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("lit");
}

public static class Plant107Plan
{
    public static LineSpec Line(int speed) => new(new ChildSpecs<Plant107Line>
    {
        {|FSMV019:ChildSpec.Create<Plant107Lamp, Unit, bool>("lamp", new Unit(0), () => new Plant107Lamp())|},
        Plant107Unit.AsChild("u1", new Unit(speed)),
    });
}
