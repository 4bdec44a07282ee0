using FsmV2;

namespace FsmV2.Tests.Workers;

/// <summary>What the probe's states do, chosen by the test through the probe's observation.</summary>
public enum ProbeCommand
{
    Stay,
    Work,
    GotoNext,
    GotoUndeclared,
    Remove,
    Restart,
    Throw,
    IgnoreShutdown,
    ReportLastAction,
}

public sealed record ProbeSpec(string Name = "probe");

public sealed record ProbeObservation(int Seq, ProbeCommand Command);

/// <summary>
/// A worker whose every decision the test controls: the collector returns what <see cref="ProbeSensor"/> holds,
/// and the states act on <see cref="ProbeObservation.Command"/>. A → B → (A | C), C → A.
/// </summary>
[Worker]
public sealed partial class ProbeWorker : IWorker<ProbeSpec, ProbeObservation>
{
    public ProbeWorker(ProbeSensor sensor, Func<CancellationToken, Task>? work = null)
    {
        Sensor = sensor;
        WorkBody = work ?? (_ => Task.CompletedTask);
    }

    public ProbeSensor Sensor { get; }

    public Func<CancellationToken, Task> WorkBody { get; }

    public ValueTask<ProbeObservation> CollectAsync(ProbeSpec desired, CancellationToken ct) => Sensor.CollectAsync(ct);

    [State(Initial = true)]
    [TransitionsTo(nameof(B))]
    static Next A(in Snapshot<ProbeSpec, ProbeObservation> s) => Decide(s, State.B);

    [State]
    [TransitionsTo(nameof(A), nameof(C))]
    static Next B(in Snapshot<ProbeSpec, ProbeObservation> s) => Decide(s, State.C);

    [State(Phase = LifecyclePhase.RunningDegraded)]
    [TransitionsTo(nameof(A))]
    static Next C(in Snapshot<ProbeSpec, ProbeObservation> s) => Decide(s, State.A);

    [Action(TimeoutMs = 1_000)]
    Task Work(CancellationToken ct) => WorkBody(ct);

    /// <summary>
    /// A target its state does not declare (A gets C, C gets B), for the supervisor to refuse at run time. It is
    /// arithmetic on the enum, computed at run time, which FSMV001 does not judge, so the build lets it through.
    /// </summary>
    private static State Undeclared(State next) => (State)(((int)next + 1) % 3);

    private static Next Decide(in Snapshot<ProbeSpec, ProbeObservation> s, State next)
    {
        if (s.ShutdownRequested && s.Observed.Command != ProbeCommand.IgnoreShutdown)
        {
            return Remove("shutdown requested");
        }

        return s.Observed.Command switch
        {
            ProbeCommand.Work => Do(Act.Work, $"work at seq {s.Observed.Seq}"),
            ProbeCommand.GotoNext => Goto(next, $"next at seq {s.Observed.Seq}"),
            ProbeCommand.GotoUndeclared => Goto(Undeclared(next), "undeclared on purpose"),
            ProbeCommand.Remove => Remove($"remove at seq {s.Observed.Seq}"),
            ProbeCommand.Restart => Restart($"restart at seq {s.Observed.Seq}"),
            ProbeCommand.ReportLastAction => Stay($"last action {s.LastAction?.Action} {s.LastAction?.Outcome}, {s.RecentActions.Count} recent"),
            ProbeCommand.Throw => throw new InvalidOperationException($"probe state threw at seq {s.Observed.Seq}"),
            _ => Stay($"seen seq {s.Observed.Seq}"),
        };
    }
}

/// <summary>The probe's collector, steered by the test: answer at once, throw, or hang until released.</summary>
public sealed class ProbeSensor
{
    private TaskCompletionSource<ProbeObservation>? _gate;
    private int _seq;

    public ProbeSensor(ProbeCommand command = ProbeCommand.Stay) => Command = command;

    public ProbeCommand Command { get; set; }

    /// <summary>When set, the next collections throw this.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When true, collections hang until <see cref="Release"/>.</summary>
    public bool Hang { get; set; }

    public int Calls;

    public int Seq => Volatile.Read(ref _seq);

    public ValueTask<ProbeObservation> CollectAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref Calls);
        if (Failure is { } failure)
        {
            throw failure;
        }

        if (Hang)
        {
            _gate = new TaskCompletionSource<ProbeObservation>();
            return new ValueTask<ProbeObservation>(_gate.Task);
        }

        return ValueTask.FromResult(new ProbeObservation(Interlocked.Increment(ref _seq), Command));
    }

    /// <summary>Completes a hanging collection with a fresh observation.</summary>
    public void Release()
    {
        Hang = false;
        _gate?.TrySetResult(new ProbeObservation(Interlocked.Increment(ref _seq), Command));
    }
}
