namespace Corpus.Press074;

public sealed record Cfg(bool Run, int Limit);

public sealed record Obs(bool Up, int Errors, string Mode, IReadOnlyList<int> Readings);

public sealed record View(int Errors, int Limit);

[Worker]
public sealed partial class Press074Worker : IWorker<Cfg, Obs>
{
    public ValueTask<Obs> CollectAsync(Cfg desired, CancellationToken ct) =>
        ValueTask.FromResult(new Obs(desired.Run, 0, "auto", Array.Empty<int>()));

    [State(Initial = true)]
    [TransitionsTo(nameof(Starting))]
    static Next Stopped(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Run ? Goto(State.Starting, "start")
         : Stay("stopped");

    [State]
    [TransitionsTo(nameof(Running), nameof(Stopping))]
    static Next Starting(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Up ? Goto(State.Running, "up")
         : Do(Act.Reset, "starting");

    [State]
    [TransitionsTo(nameof(Degraded), nameof(Stopping))]
    static Next Running(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Errors > 3 ? Fail(s, State.Degraded)
         : Stay("running");

    [State]
    [TransitionsTo(nameof(Running), nameof(Stopping))]
    static Next Degraded(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Errors == 0 ? Goto(State.Running, "recovered")
         : Do(Act.Reset, "resetting");

    [State]
    [TransitionsTo(nameof(Stopped))]
    static Next Stopping(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested || !s.Observed.Up ? Goto(State.Stopped, "stopped") : Do(Act.Reset, "powering down");

    [Action(TimeoutMs = 5_000)]
    Task Reset(CancellationToken ct) => {|FSMV012:Device.RetryAsync(Device.ResetAsync, ct)|};

}
