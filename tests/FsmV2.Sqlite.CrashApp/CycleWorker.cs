using FsmV2;

namespace FsmV2.Sqlite.CrashApp;

public sealed record CycleSpec;

public sealed record CycleStatus;

/// <summary>Walks S0 → S1 → S2 → S3 one state per tick, then restarts itself (back to S0, one restart more).</summary>
[Worker]
public sealed partial class CycleWorker : IWorker<CycleSpec, CycleStatus>
{
    /// <summary>The store's flush interval in the crash app: the window a kill may lose (plus one write).</summary>
    public const int FlushMs = 200;

    /// <summary>Where a worker is in its endless cycle: restarts × 4 + the state's number (S0 … S3).</summary>
    public static int Position(string state, int restarts) => restarts * 4 + (state[1] - '0');

    private static readonly ValueTask<CycleStatus> Status = ValueTask.FromResult(new CycleStatus());

    public ValueTask<CycleStatus> CollectAsync(CycleSpec desired, CancellationToken ct) => Status;

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(S1))]
    static Next S0(in Snapshot<CycleSpec, CycleStatus> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.S1, "cycle");

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(S2))]
    static Next S1(in Snapshot<CycleSpec, CycleStatus> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.S2, "cycle");

    [State(Phase = LifecyclePhase.RunningHealthy)]
    [TransitionsTo(nameof(S3))]
    static Next S2(in Snapshot<CycleSpec, CycleStatus> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.S3, "cycle");

    [State(Terminal = true, Phase = LifecyclePhase.RunningHealthy)] // left only by the restart
    static Next S3(in Snapshot<CycleSpec, CycleStatus> s) => s.ShutdownRequested ? Remove("shutdown") : Restart("cycle complete");
}
