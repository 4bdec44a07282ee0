namespace FsmV2.Generators.Tests;

/// <summary>Representative worker sources, shared by the snapshot, behaviour and incrementality tests.</summary>
internal static class WorkerSources
{
    /// <summary>
    /// The worker of ARCHITECTURE.md §2 (Stopped → Starting → Running, with one action): the kit's
    /// <c>PumpWorker.cs</c>, moved into namespace <c>Sample.Pumps</c> like the other samples here.
    /// </summary>
    public static readonly string Pump = InNamespace(File.ReadAllText(KitFiles.PumpWorker), "FsmV2.Tests.Workers", "Sample.Pumps");

    /// <summary>A worker declared outside any namespace.</summary>
    public const string GlobalNamespace = """
        using FsmV2;

        public sealed record LampConfig(bool On);

        [Worker]
        public partial class LampWorker : IWorker<LampConfig, bool>
        {
            public ValueTask<bool> CollectAsync(LampConfig desired, CancellationToken ct) => ValueTask.FromResult(desired.On);

            [State(Initial = true)]
            [TransitionsTo(nameof(Lit))]
            static Next Dark(in Snapshot<LampConfig, bool> s) => s.Observed ? Goto(State.Lit, "light seen") : Do(Act.SwitchOn, "switching on");

            [State]
            [TransitionsTo(nameof(Dark))]
            static Next Lit(in Snapshot<LampConfig, bool> s) => s.Observed ? Stay("lit") : Goto(State.Dark, "went dark");

            [Action]
            static Task SwitchOn(LampConfig desired, CancellationToken ct) => Task.CompletedTask;
        }
        """;

    /// <summary>A worker nested in partial containing types (a class inside a struct-free chain of classes).</summary>
    public const string Nested = """
        using FsmV2;

        namespace Sample.Nesting;

        public static partial class Plant
        {
            public partial class Line
            {
                [Worker]
                internal sealed partial class ValveWorker : IWorker<int, int>
                {
                    public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

                    [State(Initial = true)]
                    [TransitionsTo(nameof(Open))]
                    static Next Closed(in Snapshot<int, int> s) => s.Desired > 0 ? Goto(State.Open, "opening") : Stay("closed");

                    [State]
                    [TransitionsTo(nameof(Closed))]
                    static Next Open(in Snapshot<int, int> s) => s.Desired == 0 ? Goto(State.Closed, "closing") : Do(Act.Adjust, "adjusting");

                    [Action(TimeoutMs = 250)]
                    Task Adjust(int desired, CancellationToken ct) => Task.CompletedTask;
                }
            }
        }
        """;

    /// <summary>
    /// A terminal state, an explicit phase, a ValueTask action and an action that takes only the token.
    /// </summary>
    public const string TerminalAndShapes = """
        using FsmV2;

        namespace Sample.Jobs;

        public sealed record JobSpec(string Name);

        public sealed record JobStatus(bool Done);

        [Worker]
        public sealed partial class JobWorker : IWorker<JobSpec, JobStatus>
        {
            public ValueTask<JobStatus> CollectAsync(JobSpec desired, CancellationToken ct) => ValueTask.FromResult(new JobStatus(false));

            [State(Initial = true)]
            [TransitionsTo(nameof(Working))]
            static Next Queued(in Snapshot<JobSpec, JobStatus> s) => Goto(State.Working, "picked up");

            [State]
            [TransitionsTo(nameof(Draining), nameof(Finished))]
            static Next Working(in Snapshot<JobSpec, JobStatus> s)
                => s.ShutdownRequested ? Goto(State.Draining, "shutdown")
                 : s.Observed.Done ? Goto(State.Finished, "done")
                 : Do(Act.Work, "working");

            [State(Phase = LifecyclePhase.Stopping)]
            [TransitionsTo(nameof(Finished))]
            static Next Draining(in Snapshot<JobSpec, JobStatus> s) => s.Observed.Done ? Goto(State.Finished, "drained") : Do(Act.Flush, "flushing");

            [State(Terminal = true)]
            static Next Finished(in Snapshot<JobSpec, JobStatus> s) => s.ShutdownRequested ? Remove("finished") : Stay("finished");

            [Action(TimeoutMs = 30_000)]
            ValueTask Work(JobSpec desired, CancellationToken ct) => ValueTask.CompletedTask;

            [Action]
            static Task Flush(CancellationToken ct) => Task.CompletedTask;
        }
        """;

    /// <summary>A child worker that names its parent with [ChildOf].</summary>
    public const string ChildOf = """
        using FsmV2;

        namespace Sample.Tree;

        [Worker]
        public sealed partial class ParentWorker : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }

        [Worker]
        [ChildOf(typeof(ParentWorker))]
        public sealed partial class ChildWorker : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true)]
            [TransitionsTo(nameof(Busy))]
            static Next Idle(in Snapshot<int, int> s) => s.Desired > 0 ? Goto(State.Busy, "work to do") : Stay("idle");

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Busy(in Snapshot<int, int> s) => s.Desired > 0 ? Stay("busy") : Goto(State.Idle, "no work");
        }
        """;

    /// <summary>A worker with states only.</summary>
    public const string NoActions = """
        using FsmV2;

        namespace Sample.Watch;

        [Worker]
        public sealed partial class WatchdogWorker : IWorker<TimeSpan, DateTimeOffset>
        {
            public ValueTask<DateTimeOffset> CollectAsync(TimeSpan desired, CancellationToken ct) => ValueTask.FromResult(DateTimeOffset.UtcNow);

            [State(Initial = true)]
            [TransitionsTo(nameof(Watching))]
            static Next Stopped(in Snapshot<TimeSpan, DateTimeOffset> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Watching, "start");

            [State]
            [TransitionsTo(nameof(DegradedLate), nameof(Stopped))]
            static Next Watching(in Snapshot<TimeSpan, DateTimeOffset> s)
                => s.ShutdownRequested ? Goto(State.Stopped, "shutdown")
                 : s.ObservationAge > s.Desired ? Goto(State.DegradedLate, "late")
                 : Stay("on time");

            [State]
            [TransitionsTo(nameof(Watching), nameof(Stopped))]
            static Next DegradedLate(in Snapshot<TimeSpan, DateTimeOffset> s)
                => s.ShutdownRequested ? Goto(State.Stopped, "shutdown")
                 : s.ObservationAge <= s.Desired ? Goto(State.Watching, "caught up")
                 : Stay("still late");
        }
        """;

    private static string InNamespace(string source, string from, string to)
    {
        string declaration = $"namespace {from};";
        if (!source.Contains(declaration, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Expected the declaration '{declaration}' in:\n{source}");
        }

        return source.Replace(declaration, $"namespace {to};", StringComparison.Ordinal);
    }
}
