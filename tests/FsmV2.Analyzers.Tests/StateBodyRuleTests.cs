using static FsmV2.Analyzers.Tests.Verify;

namespace FsmV2.Analyzers.Tests;

/// <summary>FSMV007 (not pure), FSMV008 (shutdown not checked first), FSMV009 (stopping state can stay).</summary>
public class StateBodyRuleTests
{
    [Fact]
    public Task ImpureExpressionsAreEachReportedWhereTheyAre() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            static int Ticks;
            static int[] History = new int[4];
            static readonly System.Net.Http.HttpClient Http = new();

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s)
            {
                {|FSMV007:Console.WriteLine("tick")|};
                {|FSMV007:Ticks = 3|};
                {|FSMV007:Ticks += 1|};
                {|FSMV007:Ticks++|};
                {|FSMV007:History[0] = 1|};
                Interlocked.Increment(ref {|FSMV007:Ticks|});
                DateTime now = {|FSMV007:DateTime.UtcNow|};
                Guid id = {|FSMV007:Guid.NewGuid()|};
                bool exists = {|FSMV007:System.IO.File.Exists("x")|};
                {|FSMV007:Thread.Sleep(1)|};
                Task delay = {|FSMV007:Task.Delay(1)|};
                Task<string> body = {|FSMV007:Http.GetStringAsync("http://localhost/")|};
                int dice = {|FSMV007:new Random()|}.Next();
                Func<Task> later = async () => {|FSMV007:await Task.Yield()|};
                return Stay("idle");
            }
        """));

    [Fact]
    public Task AnImpureHelperIsReportedOnceAtTheStatesCallAndPureOrRecursiveHelpersAreNot() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            static int Calls;

            static int Count() => ++Calls;
            static int Indirect(int x) => Count() + Twice(x);
            static int Twice(int x) => x * 2;
            static int Down(int n) => n <= 0 ? 0 : Down(n - 1);
            static bool Slow() { Thread.Sleep(1); return Calls > 2; }

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s)
            {
                int a = {|FSMV007:Count()|};
                int b = {|FSMV007:Indirect(s.Observed)|};
                int c = Twice(s.Observed) + Down(3);
                return {|FSMV007:Slow()|} ? Stay("slow") : Stay($"{a} {b} {c}");
            }
        """));

    [Fact]
    public Task AnImpureHelperIsNamedWithItsFirstProblem() => AnalyzerAsync<StateMethodAnalyzer>(
        Worker("""
                static int Calls;

                static int Indirect() => Count();
                static int Count() => Calls++;

                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Stay($"{{|#0:Indirect()|}}");
            """),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.ImpureState).WithLocation(0)
            .WithArguments("Idle", "W", "calls 'Indirect', which calls 'Count', which writes field 'Calls'"));

    [Fact]
    public Task LocalsInitializersAndTheSnapshotClockArePure() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            sealed class Box { public int Value { get; set; } }

            sealed record Point(int X, int Y);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s)
            {
                int count = 0;
                count++;
                count += s.Observed;
                var box = new Box { Value = count };
                var point = new Point(1, 2) with { Y = count };
                bool parsed = int.TryParse("1", out int one);
                (int a, int b) = (one, point.Y);
                TimeSpan age = s.Now - s.CollectedAt;
                return age > TimeSpan.FromSeconds(a + b + box.Value) ? Remove("stale") : Stay("idle");
            }
        """));

    [Fact]
    public Task DecidingBeforeTheShutdownCheckIsReportedOnTheFirstDecision() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Running), nameof(Waiting))]
            static Next Idle(in Snapshot<int, int> s)
                => {|FSMV008:s.Desired > 0|} ? Goto(State.Running, "go")
                 : s.ShutdownRequested ? Remove("shutdown")
                 : Stay("idle");

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Running(in Snapshot<int, int> s)
            {
                int observed = s.Observed;
                if ({|FSMV008:observed > 3|})
                {
                    return Goto(State.Idle, "done");
                }

                return s.ShutdownRequested ? Remove("shutdown") : Stay("running");
            }

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Waiting(in Snapshot<int, int> s) => {|FSMV008:Goto(State.Idle, "always")|};
        """));

    [Fact]
    public Task ShutdownCheckedFirstInAnyAcceptedShapeIsNotReported() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(A))]
            static Next Idle(in Snapshot<int, int> s)
                => s.ShutdownRequested || s.Desired == 0 ? Remove("stop") : Goto(State.A, "go");

            [State]
            [TransitionsTo(nameof(B))]
            static Next A(in Snapshot<int, int> s)
            {
                int desired = s.Desired;
                if (s.ShutdownRequested)
                {
                    return Remove("shutdown");
                }

                return desired > 0 ? Goto(State.B, "go") : Stay("wait");
            }

            [State]
            [TransitionsTo(nameof(C))]
            static Next B(in Snapshot<int, int> s) => s switch
            {
                { ShutdownRequested: true } => Remove("shutdown"),
                { Observed: > 3 } => Goto(State.C, "go"),
                _ => Stay("wait"),
            };

            [State]
            [TransitionsTo(nameof(D))]
            static Next C(in Snapshot<int, int> s) => Decide(s);

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next D(in Snapshot<int, int> s)
            {
                bool stopping = s.ShutdownRequested;
                return stopping ? Remove("shutdown") : Goto(State.Idle, "again");
            }

            [State]
            static Next Dying(in Snapshot<int, int> s) => Restart("always restarts");

            [State(Terminal = true)]
            static Next Done(in Snapshot<int, int> s) => Stay("terminal states are exempt");

            static Next Decide(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.D, "go");
        """));

    [Fact]
    public Task StoppingStateThatCanStayIsReportedOnTheStay() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Stopping), nameof(Draining))]
            static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Goto(State.Stopping, "stop") : Goto(State.Draining, "drain");

            [State]
            [TransitionsTo(nameof(Stopped))]
            static Next Stopping(in Snapshot<int, int> s)
                => s.ShutdownRequested && s.Observed == 0 ? Goto(State.Stopped, "stopped")
                 : s.Observed > 5 ? Do(Act.Drain, "drain")
                 : {|FSMV009:Stay("waiting")|};

            [State(Phase = LifecyclePhase.Stopping)]
            [TransitionsTo(nameof(Stopped))]
            static Next Draining(in Snapshot<int, int> s) => s.ShutdownRequested ? Goto(State.Stopped, "stopped") : {|FSMV009:Stay("waiting")|};

            [Action]
            Task Drain(CancellationToken ct) => Task.CompletedTask;
        """));

    [Fact]
    public Task StoppingStateThatAlwaysActsOrMovesOnIsNotReported() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Stopping))]
            static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Stopping, "stop");

            [State]
            [TransitionsTo(nameof(Stopped))]
            static Next Stopping(in Snapshot<int, int> s)
                => s.ShutdownRequested || s.Observed == 0 ? Goto(State.Stopped, "stopped") : Do(Act.Drain, "drain");

            [State(Phase = LifecyclePhase.RunningHealthy)]
            [TransitionsTo(nameof(Stopped))]
            static Next StoppingLooksLikeAName(in Snapshot<int, int> s) => s.ShutdownRequested ? Goto(State.Stopped, "stop") : Stay("running");

            [Action]
            Task Drain(CancellationToken ct) => Task.CompletedTask;
        """));
}
