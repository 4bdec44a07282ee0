using FsmV2;

namespace FsmV2.Hosting.SigtermApp;

public sealed record StuckSpec;

public sealed record StuckStatus(bool Started);

/// <summary>
/// Starts one action that ignores its cancellation token for 120 s — by awaiting a delay without the token
/// (<c>delay</c>) or by blocking its thread (<c>sleep</c>) — and prints <see cref="OutputLines.Started"/> when it runs.
/// </summary>
[Worker]
public sealed partial class StuckWorker : IWorker<StuckSpec, StuckStatus>
{
    private static readonly TimeSpan Stuck = TimeSpan.FromSeconds(120);
    private readonly bool _blockThread;
    private volatile bool _started;

    public StuckWorker(bool blockThread) => _blockThread = blockThread;

    public ValueTask<StuckStatus> CollectAsync(StuckSpec desired, CancellationToken ct) => ValueTask.FromResult(new StuckStatus(_started));

    [State(Initial = true, Phase = LifecyclePhase.RunningHealthy)]
    static Next Working(in Snapshot<StuckSpec, StuckStatus> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Observed.Started ? Stay("action started")
         : Do(Act.Hang, "start the action that ignores cancellation");

    [Action(TimeoutMs = 120_000)]
    async Task Hang(CancellationToken ct)
    {
        _started = true;
        Console.WriteLine(OutputLines.Started);
        if (_blockThread)
        {
            Thread.Sleep(Stuck);
        }
        else
        {
            await Task.Delay(Stuck, CancellationToken.None); // ignores ct on purpose
        }
    }
}
