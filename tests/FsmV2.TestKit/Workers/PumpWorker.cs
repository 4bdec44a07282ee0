using FsmV2;

namespace FsmV2.Tests.Workers;

public sealed record PumpConfig(bool Run = true);

public sealed record PumpStatus(bool Running);

/// <summary>The worker of ARCHITECTURE.md §2: Stopped → Starting → Running, with one action.</summary>
/// <remarks>
/// The one pump of the tests: the runtime tests run this type, the generator tests compile this file's text (see
/// <c>FsmV2.TestKit.KitFiles.PumpWorker</c>) and the package test builds it in a console app against the package.
/// </remarks>
[Worker]
public sealed partial class PumpWorker : IWorker<PumpConfig, PumpStatus>
{
    private volatile bool _running;

    public int Starts;

    public ValueTask<PumpStatus> CollectAsync(PumpConfig desired, CancellationToken ct) => ValueTask.FromResult(new PumpStatus(_running));

    [State(Initial = true)]
    [TransitionsTo(nameof(Starting))]
    static Next Stopped(in Snapshot<PumpConfig, PumpStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Run ? Goto(State.Starting, "desired: running")
         : Stay("desired: stopped");

    [State]
    [TransitionsTo(nameof(Running), nameof(Stopped))]
    static Next Starting(in Snapshot<PumpConfig, PumpStatus> s)
        => s.ShutdownRequested ? Goto(State.Stopped, "shutdown requested")
         : s.Observed.Running ? Goto(State.Running, "pump reports running")
         : Do(Act.StartPump, "pump not running yet");

    [State]
    [TransitionsTo(nameof(Stopped))]
    static Next Running(in Snapshot<PumpConfig, PumpStatus> s)
        => s.ShutdownRequested || !s.Desired.Run ? Goto(State.Stopped, "stop requested")
         : Stay("running");

    [Action(TimeoutMs = 5_000)]
    Task StartPump(PumpConfig config, CancellationToken ct)
    {
        Interlocked.Increment(ref Starts);
        _running = true;
        return Task.CompletedTask;
    }
}
