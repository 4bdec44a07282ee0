using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

public class ContractTests
{
    [Fact]
    public void A_decision_carries_either_a_state_change_or_an_action_never_both()
    {
        Next go = Next.ToState(2, "go");
        Next act = Next.RunAction(1, "act");
        Assert.Equal((NextKind.Goto, 2, -1), (go.Kind, go.State, go.Action));
        Assert.Equal((NextKind.Do, -1, 1), (act.Kind, act.State, act.Action));
        Assert.Equal(Signal.Remove, Next.SignalSupervisor(Signal.Remove, "bye").Signal);
        Assert.Equal("(no reason given)", Next.Stay(null!).Reason);
        Assert.Equal("(no reason given)", default(Next).Reason);
    }

    [Fact]
    public void The_generated_definition_describes_the_declared_graph()
    {
        WorkerDefinition d = PumpWorker.Definition;
        Assert.Equal("PumpWorker", d.WorkerType);
        Assert.Equal(["Stopped", "Starting", "Running"], d.StateNames);
        Assert.Equal(0, d.InitialState);
        Assert.Equal(LifecyclePhase.Starting, PumpWorker.GetPhase(PumpWorker.State.Starting));
        Assert.True(PumpWorker.CanTransition(PumpWorker.State.Starting, PumpWorker.State.Running));
        Assert.False(PumpWorker.CanTransition(PumpWorker.State.Stopped, PumpWorker.State.Running));
        Assert.Equal("StartPump", d.GetActionName((int)PumpWorker.Act.StartPump));
        Assert.Equal(TimeSpan.FromSeconds(5), d.GetActionTimeout((int)PumpWorker.Act.StartPump));
        Assert.Equal(PumpWorker.State.Running.ToString(), PumpWorker.GetStateName(PumpWorker.State.Running));
    }

    [Fact]
    public void The_diagrams_show_every_declared_edge()
    {
        string mermaid = PumpWorker.ToMermaid();
        Assert.StartsWith("stateDiagram-v2\n    [*] --> Stopped\n", mermaid);
        foreach (string edge in new[] { "Stopped --> Starting", "Starting --> Running", "Starting --> Stopped", "Running --> Stopped" })
        {
            Assert.Contains(edge, mermaid);
        }

        Assert.Contains("__start -> Stopped;", PumpWorker.ToDot());
        Assert.Contains("Starting -> Running;", PumpWorker.ToDot());
        Assert.Contains("Idle --> [*]", IdleWorker.ToMermaid());
    }

    [Fact]
    public void A_definition_refuses_inconsistent_tables_with_the_worker_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new WorkerDefinition(
            "Broken", ["A", "B"], [LifecyclePhase.Stopped, LifecyclePhase.RunningHealthy], [false, false], 0, [[1], [5]], [], []));
        Assert.Contains("'Broken'", error.Message);
        Assert.Contains("state 'B' declares a transition to index 5", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerDefinition(
            "Broken", ["A"], [LifecyclePhase.Stopped], [false], 3, [[]], [], []));
    }
}
