using FsmV2.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using static FsmV2.Analyzers.Tests.Verify;

namespace FsmV2.Analyzers.Tests;

/// <summary>Each code fix, applied to a real diagnostic, produces the expected source (and no diagnostic is left).</summary>
public class CodeFixTests
{
    private const string Rest = """

            [State]
            [TransitionsTo(nameof(Running))]
            static Next Starting(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Running, "up");

            [State(Terminal = true)]
            static Next Running(in Snapshot<int, int> s) => Stay("running");
        """;

    [Fact]
    public Task IllegalGotoGetsAppendedToTheExistingTransitionsTo() => CodeFixAsync<StateMethodAnalyzer, AddTransitionCodeFix>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto({|FSMV001:State.Running|}, "skip");
            """ + Rest),
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting), nameof(Running))]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Running, "skip");
            """ + Rest));

    [Fact]
    public Task IllegalGotoCreatesTransitionsToAfterTheStateAttribute() => CodeFixAsync<StateMethodAnalyzer, AddTransitionCodeFix>(
        Worker("""
                /// <summary>The first state.</summary>
                [State(Initial = true)]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto({|FSMV001:State.Starting|}, "start");
            """ + Rest),
        Worker("""
                /// <summary>The first state.</summary>
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Starting, "start");
            """ + Rest));

    [Fact]
    public Task IllegalGotoInANestedStaticClassIsDeclaredOnTheCallingState() => CodeFixAsync<StateMethodAnalyzer, AddTransitionCodeFix>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Moves.Skip();

                static class Moves
                {
                    public static Next Skip() => Goto({|FSMV001:State.Running|}, "skip");
                }
            """ + Rest),
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting), nameof(Running))]
                static Next Stopped(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Moves.Skip();

                static class Moves
                {
                    public static Next Skip() => Goto(State.Running, "skip");
                }
            """ + Rest),
        nonLocal: true);

    [Fact]
    public Task IllegalGotoInAHelperIsDeclaredOnTheCallingState() => CodeFixAsync<StateMethodAnalyzer, AddTransitionCodeFix>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<int, int> s) => Decide(s);

                static Next Decide(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto({|FSMV001:State.Running|}, "skip");
            """ + Rest),
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Starting), nameof(Running))]
                static Next Stopped(in Snapshot<int, int> s) => Decide(s);

                static Next Decide(in Snapshot<int, int> s) => s.ShutdownRequested ? Remove("shutdown") : Goto(State.Running, "skip");
            """ + Rest),
        nonLocal: true);

    [Fact]
    public Task WorkerNotPartialBecomesPartial() => GeneratorFix.AssertFixesAsync(
        new MakeWorkerPartialCodeFix(),
        Worker("""
                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Stay("idle");
            """, "[Worker]\npublic sealed class W : IWorker<int, int>"),
        Worker("""
                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Stay("idle");
            """, "[Worker]\npublic sealed partial class W : IWorker<int, int>"));

    [Fact]
    public Task WorkerWithoutModifiersAndItsContainingTypeBecomePartial() => GeneratorFix.AssertFixesAsync(
        new MakeWorkerPartialCodeFix(),
        """
        namespace Sample;

        static class Outer
        {
            [Worker]
            class W : IWorker<int, int>
            {
                public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Stay("idle");
            }
        }
        """,
        """
        namespace Sample;

        static partial class Outer
        {
            [Worker]
            partial class W : IWorker<int, int>
            {
                public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

                [State(Initial = true, Terminal = true)]
                static Next Idle(in Snapshot<int, int> s) => Stay("idle");
            }
        }
        """);

    [Fact]
    public Task ExpressionBodyGetsWrappedInTheShutdownCheck() => CodeFixAsync<StateMethodAnalyzer, CheckShutdownFirstCodeFix>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Done))]
                static Next Idle(in Snapshot<int, int> snapshot)
                    => {|FSMV008:snapshot.Desired > 0|} ? Goto(State.Done, "go") : Stay("idle");

                [State(Terminal = true)]
                static Next Done(in Snapshot<int, int> s) => Stay("done");
            """),
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Done))]
                static Next Idle(in Snapshot<int, int> snapshot)
                    => snapshot.ShutdownRequested ? Remove("shutdown requested") : snapshot.Desired > 0 ? Goto(State.Done, "go") : Stay("idle");

                [State(Terminal = true)]
                static Next Done(in Snapshot<int, int> s) => Stay("done");
            """));

    [Fact]
    public Task BlockBodyGetsTheShutdownCheckAsItsFirstStatement() => CodeFixAsync<StateMethodAnalyzer, CheckShutdownFirstCodeFix>(
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Done))]
                static Next Idle(in Snapshot<int, int> s)
                {
                    int desired = s.Desired;
                    if ({|FSMV008:desired > 0|})
                    {
                        return Goto(State.Done, "go");
                    }

                    return Stay("idle");
                }

                [State(Terminal = true)]
                static Next Done(in Snapshot<int, int> s) => Stay("done");
            """),
        Worker("""
                [State(Initial = true)]
                [TransitionsTo(nameof(Done))]
                static Next Idle(in Snapshot<int, int> s)
                {
                    if (s.ShutdownRequested)
                    {
                        return Remove("shutdown requested");
                    }
                    int desired = s.Desired;
                    if (desired > 0)
                    {
                        return Goto(State.Done, "go");
                    }

                    return Stay("idle");
                }

                [State(Terminal = true)]
                static Next Done(in Snapshot<int, int> s) => Stay("done");
            """));
}
