namespace Corpus.Plant108;

public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

public sealed record Unit(int Speed);

[Worker]
public sealed partial class Plant108Line : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all units healthy")
         : Stay($"{s.Children.Unhealthy} units unhealthy");
}

[Worker]
public sealed partial class Plant108Tank : IWorker<LineSpec, bool>
{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}

[Worker, ChildOf(typeof(Plant108Line))]
public sealed partial class Plant108Unit : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"at {s.Desired.Speed}");
}

[Worker, ChildOf(typeof(Plant108Tank))]
public sealed partial class Plant108Valve : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Open(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("open");
}

[Worker]
public sealed partial class Plant108Lamp : IWorker<Unit, bool>
{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Lit(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("lit");
}

public static class Plant108Plan
{
    public static LineSpec Line(int speed) => new(new ChildSpecs<Plant108Line>().Add({|FSMV019:Plant108Valve.AsChild("v1", new Unit(speed)).WithStartupTimeout(TimeSpan.FromSeconds(5))|}));
}
