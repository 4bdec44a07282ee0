using Microsoft.CodeAnalysis.Testing;
using static FsmV2.Analyzers.Tests.Verify;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// The checks follow code the way people write it: the cases of issue 18 (false alarms gone, misses reported at the
/// right span), targets through conditionals, switch expressions, locals and helper parameters, and helpers in other
/// partial files, static classes of the project and any number of calls deep.
/// </summary>
public class FollowingTests
{
    private const string StartingAndRunning = """
            [State]
            [TransitionsTo(nameof(Running))]
            static Next Starting(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Fail(s, State.Running);

            [State(Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => Stay("running");

            static Next Fail(in Snapshot<int, int> s, State to) => Goto(to, $"failed at {s.Observed}");
        """;

    [Fact]
    public Task AHelperThatReceivesTheSnapshotAsTheConditionChecksShutdown() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            static bool Leaving(in Snapshot<int, int> s) => s.ShutdownRequested || s.Desired == 0;
            static bool Leaving<TDesired, TObserved>(in Snapshot<TDesired, TObserved> s, int _) => s.ShutdownRequested;

            [State(Initial = true)]
            [TransitionsTo(nameof(A))]
            static Next Idle(in Snapshot<int, int> s) => Leaving(in s) ? Remove("leaving") : Goto(State.A, "go");

            [State]
            [TransitionsTo(nameof(B))]
            static Next A(in Snapshot<int, int> s) => Leaving(s, 0) ? Remove("leaving") : Goto(State.B, "generic helper");

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next B(in Snapshot<int, int> s)
            {
                bool leaving = Leaving<int, int>(in s, 1);
                if (leaving)
                {
                    return Remove("leaving");
                }

                return Goto(State.Idle, "a bool local holding the helper's verdict");
            }
        """));

    [Fact]
    public Task AHelperThatDoesNotReceiveTheSnapshotIsNoCheck() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            static bool Busy(int observed) => observed > 3;

            [State(Initial = true)]
            [TransitionsTo(nameof(Other))]
            static Next Idle(in Snapshot<int, int> s) => {|FSMV008:Busy(s.Observed)|} ? Goto(State.Other, "busy") : Remove("stop");

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Other(in Snapshot<int, int> s)
            {
                string text = Describe(s);
                if ({|FSMV008:text.Length > 3|})
                {
                    return Goto(State.Idle, text);
                }

                return s.ShutdownRequested ? Remove("stop") : Stay(text);
            }

            static string Describe(in Snapshot<int, int> s) => $"{s.Observed}";
        """));

    [Fact]
    public Task AStateWhoseFirstStatementIsATryIsJudgedInsideIt() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Other), nameof(Nested))]
            static Next Idle(in Snapshot<int, int> s)
            {
                try
                {
                    int observed = checked(s.Observed * 2);
                    if ({|FSMV008:observed > 3|})
                    {
                        return Goto(State.Other, "big");
                    }
                }
                catch (OverflowException)
                {
                    return Remove("overflow");
                }

                return Stay("small");
            }

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Nested(in Snapshot<int, int> s)
            {
                {
                    int observed = s.Observed;
                    if ({|FSMV008:observed > 3|})
                    {
                        return Goto(State.Idle, "nested block");
                    }
                }

                return s.ShutdownRequested ? Remove("shutdown") : Stay("small");
            }

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Other(in Snapshot<int, int> s)
            {
                try
                {
                    if (s.ShutdownRequested)
                    {
                        return Remove("shutdown");
                    }
                }
                finally
                {
                }

                return Goto(State.Idle, "back");
            }
        """));

    [Fact]
    public Task ALocalDictionaryIsTheStatesOwnButACollectionReachedThroughAFieldIsNot() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            static readonly List<int> History = new();
            static readonly Dictionary<string, int> Totals = new();

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s)
            {
                var counts = new Dictionary<string, int> { ["checks"] = 0 };
                counts["checks"]++;
                counts["seen"] = s.Observed;
                var list = new List<int>();
                list.Add(s.Observed);
                {|FSMV007:History.Add(s.Observed)|};
                {|FSMV007:Totals["x"] = 1|};
                {|FSMV007:Totals.Clear()|};
                return Stay($"{counts["checks"]} {list.Count} {History.Count}");
            }
        """));

    [Fact]
    public Task EachImpureExpressionIsReportedOnce() => AnalyzerAsync<StateMethodAnalyzer>(
        Worker("""
                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s)
                {
                    int dice = {|#0:Random.Shared.Next(1, 7)|};
                    long elapsed = {|#1:System.Diagnostics.Stopwatch.StartNew().ElapsedMilliseconds|};
                    return Stay($"{dice} {elapsed}");
                }
            """),
        new DiagnosticResult(DiagnosticDescriptors.ImpureState).WithLocation(0).WithArguments("Idle", "W", "uses 'System.Random.Next', which is not deterministic"),
        new DiagnosticResult(DiagnosticDescriptors.ImpureState).WithLocation(1).WithArguments("Idle", "W", "uses 'System.Diagnostics.Stopwatch.ElapsedMilliseconds', which reads a clock or counter (use the snapshot's Now)"));

    [Fact]
    public Task BlockingWaitsClocksAndCountersAreImpure() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            static readonly Task<int> Pending = Task.FromResult(1);
            static readonly SemaphoreSlim Gate = new(1);
            static readonly ManualResetEvent Signal = new(false);
            static readonly Thread Runner = new(() => { });

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s)
            {
                int a = {|FSMV007:Pending.GetAwaiter().GetResult()|};
                int b = {|FSMV007:Pending.Result|};
                {|FSMV007:Pending.Wait()|};
                {|FSMV007:Gate.Wait()|};
                bool signalled = {|FSMV007:Signal.WaitOne(1)|};
                {|FSMV007:Task.WaitAll(Pending)|};
                int first = {|FSMV007:Task.WaitAny(Pending)|};
                {|FSMV007:Runner.Join()|};
                DateTime today = {|FSMV007:DateTime.Today|};
                long t = {|FSMV007:Environment.TickCount64|} + {|FSMV007:Environment.TickCount|};
                long ts = {|FSMV007:System.Diagnostics.Stopwatch.GetTimestamp()|};
                DateTimeOffset now = {|FSMV007:DateTimeOffset.Now|};
                DateTimeOffset utc = {|FSMV007:TimeProvider.System.GetUtcNow()|};
                int r = {|FSMV007:System.Security.Cryptography.RandomNumberGenerator.GetInt32(3)|};
                return Stay($"{a} {b} {t} {ts} {now} {utc} {r} {signalled} {first} {today}");
            }
        """));

    [Fact]
    public Task ATargetIsJudgedThroughConditionalsSwitchesLocalsAndHelperParameters() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Starting))]
            static Next Stopped(in Snapshot<int, int> s)
            {
                if (s.ShutdownRequested)
                {
                    return Remove("shutdown");
                }

                State target = {|FSMV001:State.Running|};
                if (s.Desired == 7)
                {
                    target = State.Starting;
                }

                bool jammed = s.Observed > 5;
                return s.Desired switch
                {
                    1 => Goto(jammed ? {|FSMV001:State.Running|} : State.Starting, "ternary"),
                    2 => Goto(s.Observed switch { 0 => State.Starting, _ => {|FSMV001:State.Running|} }, "switch expression"),
                    3 => Goto(target, "local"),
                    4 => Fail(s, {|FSMV001:State.Running|}),
                    5 => Fail(to: (((State.Starting))), s: s),
                    6 => Retry(s, jammed ? {|FSMV001:State.Running|} : State.Starting),
                    8 => Again(s, {|FSMV001:State.Running|}, 3),
                    9 => Goto(Fallback, "a field: not judged"),
                    10 => Goto(Pick(jammed), "a helper's return value"),
                    11 => Goto(Same({|FSMV001:State.Running|}), "a helper returning its parameter"),
                    _ => Goto((State)s.Observed, "computed at run time: not judged"),
                };
            }

            static Next Retry(in Snapshot<int, int> s, State then) => Fail(s, then);

            static Next Again(in Snapshot<int, int> s, State to, int n) => n > 0 ? Again(s, to, n - 1) : Goto(to, "recursive");

            static readonly State Fallback = State.Running;

            static State Pick(bool jammed)
            {
                if (jammed)
                {
                    return {|FSMV001:State.Running|};
                }

                return State.Starting;
            }

            static State Same(State x) => x;

        """ + StartingAndRunning));

    [Fact]
    public Task HelpersInOtherPartialFilesAndStaticClassesAreFollowedToAnyDepth() => AnalyzerFilesAsync<StateMethodAnalyzer>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<int, int> s)
                    => s.ShutdownRequested ? Remove("shutdown")
                     : s.Desired > 3 ? Elsewhere(s)
                     : s.Desired > 2 ? Moves.Jam(s)
                     : s.Desired > 1 ? Stay($"{{|FSMV007:s.Observed.Noisy()|}}")
                     : Stay($"{{|FSMV007:Tools.One(s.Observed)|}} {Tools.Pure(s.Observed)} {{|FSMV007:Log(s.Observed)|}}");

            """ + StartingAndRunning),
        [
            ("Other.cs", """
                namespace Sample;

                public sealed partial class W
                {
                    static Next Elsewhere(in Snapshot<int, int> s) => Goto({|FSMV001:State.Running|}, "from another file");

                    static int Log(int x) { Tools.History.Add(x); return x; }

                    static class Moves
                    {
                        public static Next Jam(in Snapshot<int, int> s) => Goto({|FSMV001:State.Running|}, "from a nested static class");
                    }
                }
                """),
            ("Tools.cs", """
                namespace Sample;

                public static class Tools
                {
                    public static readonly List<int> History = new();

                    public static int One(int x) => Two(x) + 1;
                    static int Two(int x) => Three(x) + 1;
                    static int Three(int x) => Four(x) + 1;
                    static int Four(int x) => Five(x) + 1;
                    static int Five(int x) => Six(x) + 1;
                    static int Six(int x) => x + Environment.TickCount;

                    public static int Noisy(this int x) { Console.WriteLine(x); return x; }

                    public static int Pure(int x) => x <= 0 ? 0 : Pure(x - 1) + Even(x);
                    static int Even(int x) => x <= 0 ? 1 : Pure(x - 1);
                }
                """),
        ]);

    [Fact]
    public Task AnImpureHelperDeepDownIsNamedAlongTheWay() => AnalyzerFilesAsync<StateMethodAnalyzer>(
        Worker("""
                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Stay($"{{|#0:Tools.One(s.Observed)|}}");
            """),
        [("Tools.cs", """
            namespace Sample;

            public static class Tools
            {
                public static int One(int x) => Two(x);
                static int Two(int x) => Three(x);
                static int Three(int x) => Four(x);
                static int Four(int x) => Five(x);
                static int Five(int x) => x + Environment.TickCount;
            }
            """)],
        new DiagnosticResult(DiagnosticDescriptors.ImpureState).WithLocation(0).WithArguments(
            "Idle",
            "W",
            "calls 'One', which calls 'Two', which calls 'Three', which calls 'Four', which calls 'Five', which uses 'System.Environment.TickCount', which reads a clock or counter (use the snapshot's Now)"));

    [Fact]
    public Task ARetryHelperOfAnActionIsReportedAtTheActionsCall() => AnalyzerFilesAsync<ActionMethodAnalyzer>(
        Worker("""
                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Do(Act.Pump, "pump");

                [Action]
                Task Pump(CancellationToken ct) => {|#0:Retry.Async(() => Task.CompletedTask, ct)|};

                [Action]
                async Task Once(CancellationToken ct) => await Retry.Plain(ct);
            """),
        [("Retry.cs", """
            namespace Sample;

            public static class Retry
            {
                public static Task Async(Func<Task> attempt, CancellationToken ct) => Loop(attempt, ct);

                static async Task Loop(Func<Task> attempt, CancellationToken ct)
                {
                    while (true)
                    {
                        try
                        {
                            await attempt();
                            return;
                        }
                        catch (InvalidOperationException)
                        {
                        }
                    }
                }

                public static Task Plain(CancellationToken ct) => Task.CompletedTask;
            }
            """)],
        new DiagnosticResult(DiagnosticDescriptors.ActionRetryLoop).WithLocation(0).WithArguments(
            "Pump", "W", "it calls 'Async', which calls 'Loop', which has a retry loop: it awaits inside try/catch and goes round again"));
}
