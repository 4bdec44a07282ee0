using static FsmV2.Analyzers.Tests.Verify;

namespace FsmV2.Analyzers.Tests;

/// <summary>FSMV001 (illegal Goto), FSMV005 (unreachable), FSMV006 (dead end).</summary>
public class TransitionRuleTests
{
    private const string StartingAndRunning = """
            [State]
            [TransitionsTo(nameof(Running))]
            static Next Starting(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Running, "up");

            [State(Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => Stay("running");
        """;

    [Fact]
    public Task GotoToAnUndeclaredStateIsReportedOnTheStateArgument() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Starting))]
            static Next Stopped(in Snapshot<int, int> s)
                => s.ShutdownRequested ? Remove("shutdown")
                 : s.Desired > 9 ? Goto({|FSMV001:State.Running|}, "skip the start")
                 : Goto(State.Starting, "start");

        """ + StartingAndRunning));

    [Fact]
    public Task MessageNamesBothStatesAndTheDeclaredOnes() => AnalyzerAsync<StateMethodAnalyzer>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(({|#0:State.Running|}), "skip");

            """ + StartingAndRunning),
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.IllegalTransition).WithLocation(0).WithArguments("Stopped", "Running", "Starting"));

    [Fact]
    public Task GotoInAHelperIsJudgedAgainstTheCallingState() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Starting))]
            static Next Stopped(in Snapshot<int, int> s) => Decide(s);

            static Next Decide(in Snapshot<int, int> s)
            {
                if (s.ShutdownRequested)
                {
                    return Remove("shutdown");
                }

                return s.Desired > 9 ? Goto({|FSMV001:State.Running|}, "skip") : Goto(State.Starting, "start");
            }

        """ + StartingAndRunning));

    [Fact]
    public Task DeclaredGotosAndGotosToComputedStatesAreNotReported() => AnalyzerAsync<StateMethodAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Starting))]
            static Next Stopped(in Snapshot<int, int> s) => Decide(s, State.Starting);

            // Like the ProbeWorker of the runtime tests: the target is a parameter (judged with the caller's
            // State.Starting), arithmetic on the enum or a cast of observed data: the last two are computed at run time.
            static Next Decide(in Snapshot<int, int> s, State next)
                => s.ShutdownRequested ? Remove("shutdown")
                 : s.Desired == 1 ? Goto(next, "next")
                 : s.Desired == 2 ? Goto(next + 1, "computed")
                 : s.Desired == 3 ? Goto((State)s.Observed, "observed")
                 : Stay("wait");

        """ + StartingAndRunning));

    [Fact]
    public Task StateUnreachableFromTheInitialStateIsReportedOnItsName() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Running))]
            static Next Idle(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Running, "go");

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Idle, "back");

            [State]
            [TransitionsTo(nameof(Idle))]
            static Next {|FSMV005:Orphan|}(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Idle, "back");
        """));

    [Fact]
    public Task EveryStateReachableIsNotReported() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Running))]
            static Next Idle(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Running, "go");

            [State]
            [TransitionsTo(nameof(Idle), nameof(Done))]
            static Next Running(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Idle, "back");

            [State(Terminal = true)]
            static Next Done(in Snapshot<int, int> s) => Stay("done");
        """));

    [Fact]
    public Task StateWithoutTransitionsThatIsNotTerminalIsADeadEnd() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Stuck))]
            static Next Idle(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Stuck, "go");

            [State]
            static Next {|FSMV006:Stuck|}(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("stuck");
        """));

    [Fact]
    public Task TerminalStatesAndSingleStateWorkersAreNoDeadEnds() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker("""
            [State(Initial = true)]
            [TransitionsTo(nameof(Done))]
            static Next Idle(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Done, "go");

            [State(Terminal = true)]
            static Next Done(in Snapshot<int, int> s) => Stay("done");
        """) + "\n" + Worker("""
            [State(Initial = true)]
            static Next Only(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Stay("only");
        """, "[Worker]\npublic sealed partial class Single : IWorker<int, int>").Replace("namespace Sample;", string.Empty, StringComparison.Ordinal));

    [Fact]
    public Task GraphRulesStayQuietWhenTheGeneratorAlreadyReportsTheWorker() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker("""
            [State]
            [TransitionsTo(nameof(Stuck))]
            static Next Idle(in Snapshot<int, int> s) => default;

            [State]
            static Next Stuck(in Snapshot<int, int> s) => default;
        """, "[Worker]\npublic sealed class {|FSMV015:W|} : IWorker<int, int>"));
}
