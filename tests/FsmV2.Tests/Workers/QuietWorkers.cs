namespace FsmV2.Tests.Workers;

public sealed record QuietSpec(int Level = 0);

public sealed record QuietReading(bool Up);

/// <summary>How often a quiet worker's states were evaluated, and whether its collector answers (a test sets it).</summary>
public sealed class QuietProbe
{
    /// <summary>State evaluations so far (the tick's thread only).</summary>
    public int Evaluations;

    /// <summary>Completes the collector's calls; a test replaces it with a pending task to make the collector hang.</summary>
    public Task<QuietReading> Reading { get; set; } = Task.FromResult(new QuietReading(true));
}

/// <summary>
/// A worker whose one state reads only its snapshot's inputs, never the time, so the tick may skip it while they are
/// unchanged (<see cref="SupervisorOptions.SkipUnchangedStays"/>). To count its evaluations its state writes to its
/// desired state's probe: impure on purpose (FSMV007 is suppressed for this test worker only).
/// </summary>
[Worker]
public sealed partial class QuietWorker(QuietProbe probe) : IWorker<QuietSpec, QuietReading>
{
    public QuietProbe Probe => probe;

    public ValueTask<QuietReading> CollectAsync(QuietSpec desired, CancellationToken ct) => new(probe.Reading.WaitAsync(ct));

#pragma warning disable FSMV007 // Counts its evaluations: the test's only way to see whether the tick evaluated it.
    [State(Initial = true, Terminal = true)]
    static Next Idle(in Snapshot<QuietSpec, QuietReading> s)
        => QuietProbes.Count(s.Desired) && s.ShutdownRequested ? Remove("shutdown requested") : Stay(s.Desired.Level > 0 ? "raised" : "idle");
#pragma warning restore FSMV007
}

/// <summary>The same worker, except that its state reads <see cref="Snapshot{TDesired, TObserved}.Now"/>: evaluated on every tick.</summary>
[Worker]
public sealed partial class ClockReadingWorker(QuietProbe probe) : IWorker<QuietSpec, QuietReading>
{
    public ValueTask<QuietReading> CollectAsync(QuietSpec desired, CancellationToken ct) => new(probe.Reading.WaitAsync(ct));

#pragma warning disable FSMV007
    [State(Initial = true, Terminal = true)]
    static Next Idle(in Snapshot<QuietSpec, QuietReading> s)
        => QuietProbes.Count(s.Desired) && s.ShutdownRequested ? Remove("shutdown requested") : Stay(s.Now.Year > 2000 ? "idle" : "early");
#pragma warning restore FSMV007
}

/// <summary>Each test's probe, found from the spec its worker decides on (a state sees nothing else).</summary>
public static class QuietProbes
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<QuietSpec, QuietProbe> Probes = new();

    public static QuietSpec Spec(QuietProbe probe, int level = 0)
    {
        var spec = new QuietSpec(level);
        Probes.Add(spec, probe);
        return spec;
    }

    /// <summary>Counts an evaluation of a state deciding on <paramref name="spec"/>; always true.</summary>
    public static bool Count(QuietSpec spec)
    {
        Of(spec).Evaluations++;
        return true;
    }

    public static QuietProbe Of(QuietSpec spec) => Probes.TryGetValue(spec, out QuietProbe? probe) ? probe : throw new InvalidOperationException("A quiet worker's spec without a probe.");
}

/// <summary>Two states the generator cannot prove read no time: one passes its snapshot on, one copies it.</summary>
[Worker]
public sealed partial class SnapshotPassingWorker : IWorker<QuietSpec, QuietReading>
{
    public ValueTask<QuietReading> CollectAsync(QuietSpec desired, CancellationToken ct) => ValueTask.FromResult(new QuietReading(true));

    [State(Initial = true, Terminal = true)]
    [TransitionsTo(nameof(Copying))]
    static Next Passing(in Snapshot<QuietSpec, QuietReading> s) => IsUp(in s) ? Stay("up") : Goto(State.Copying, "down");

    [State(Terminal = true)]
    static Next Copying(in Snapshot<QuietSpec, QuietReading> s)
    {
        Snapshot<QuietSpec, QuietReading> copy = s;
        return copy.ShutdownRequested ? Remove("shutdown requested") : Stay("copied");
    }

    private static bool IsUp(in Snapshot<QuietSpec, QuietReading> s) => s.Observed.Up;
}

/// <summary>An observation its collector changes in place (a misuse <see cref="SupervisorOptions.SkipUnchangedStays"/> warns about).</summary>
public sealed class MutableReading
{
    public int Level { get; set; }
}

/// <summary>A worker whose collector returns the same <see cref="MutableReading"/> every time.</summary>
[Worker]
public sealed partial class MutableReadingWorker(MutableReading reading) : IWorker<QuietSpec, MutableReading>
{
    public ValueTask<MutableReading> CollectAsync(QuietSpec desired, CancellationToken ct) => ValueTask.FromResult(reading);

    [State(Initial = true, Terminal = true)]
    static Next Watching(in Snapshot<QuietSpec, MutableReading> s)
        => s.ShutdownRequested ? Remove("shutdown requested") : Stay(s.Observed.Level > 0 ? "high" : "low");
}
