using System.Reflection;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Runs the generated code: each worker is compiled with its generated half, emitted, loaded into a
/// collectible context and called by reflection.
/// </summary>
public class GeneratedBehaviourTests
{
    public static TheoryData<string, string, string, string[]> Workers => new()
    {
        { WorkerSources.Pump, "Sample.Pumps.PumpWorker", "Stopped", ["Stopped->Starting", "Starting->Running", "Starting->Stopped", "Running->Stopped"] },
        { WorkerSources.GlobalNamespace, "LampWorker", "Dark", ["Dark->Lit", "Lit->Dark"] },
        { WorkerSources.Nested, "Sample.Nesting.Plant+Line+ValveWorker", "Closed", ["Closed->Open", "Open->Closed"] },
        { WorkerSources.TerminalAndShapes, "Sample.Jobs.JobWorker", "Queued", ["Queued->Working", "Working->Draining", "Working->Finished", "Draining->Finished"] },
        { WorkerSources.ChildOf, "Sample.Tree.ChildWorker", "Idle", ["Idle->Busy", "Busy->Idle"] },
        { WorkerSources.NoActions, "Sample.Watch.WatchdogWorker", "Stopped", ["Stopped->Watching", "Watching->DegradedLate", "Watching->Stopped", "DegradedLate->Watching", "DegradedLate->Stopped"] },
    };

    private static Type LoadWorker(string source, string typeName)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoErrors();
        Assembly assembly = GeneratorHarness.Load(run);
        return assembly.GetType(typeName, throwOnError: true)!;
    }

    private static string CallStatic(Type type, string method) =>
        (string)type.GetMethod(method, BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes)!.Invoke(null, null)!;

    [Theory]
    [MemberData(nameof(Workers))]
    public void MermaidListsTheInitialArrowAndEveryDeclaredEdge(string source, string typeName, string initial, string[] edges)
    {
        string[] lines = CallStatic(LoadWorker(source, typeName), "ToMermaid").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("stateDiagram-v2", lines[0]);
        Assert.Contains($"    [*] --> {initial}", lines);
        string[] edgeLines = lines.Skip(1).Where(l => !l.Contains("[*]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(edges.Select(e => "    " + e.Replace("->", " --> ", StringComparison.Ordinal)).Order(), edgeLines.Order());
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void DotListsTheInitialArrowAndEveryDeclaredEdge(string source, string typeName, string initial, string[] edges)
    {
        Type worker = LoadWorker(source, typeName);
        string dot = CallStatic(worker, "ToDot");
        string[] lines = dot.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal($"digraph {worker.Name} {{", lines[0]);
        Assert.Equal("}", lines[^1]);
        Assert.Contains($"    __start -> {initial};", lines);
        string[] edgeLines = lines.Where(l => l.Contains("->", StringComparison.Ordinal) && !l.Contains("__start", StringComparison.Ordinal)).ToArray();
        Assert.Equal(edges.Select(e => "    " + e.Replace("->", " -> ", StringComparison.Ordinal) + ";").Order(), edgeLines.Order());
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void DefinitionAgreesWithTheDeclaredEdges(string source, string typeName, string initial, string[] edges)
    {
        Type worker = LoadWorker(source, typeName);
        var definition = (WorkerDefinition)worker.GetProperty("Definition", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        Assert.Equal(worker.Name, definition.WorkerType);
        Assert.Equal(initial, definition.GetStateName(definition.InitialState));
        var declared = new List<string>();
        for (int from = 0; from < definition.StateCount; from++)
        {
            foreach (int to in definition.GetTransitions(from))
            {
                declared.Add($"{definition.GetStateName(from)}->{definition.GetStateName(to)}");
            }
        }

        Assert.Equal(edges.Order(), declared.Order());
    }

    [Fact]
    public void JobWorkerMarksTheTerminalStateInBothDiagramsAndTheDefinition()
    {
        Type worker = LoadWorker(WorkerSources.TerminalAndShapes, "Sample.Jobs.JobWorker");
        var definition = (WorkerDefinition)worker.GetProperty("Definition")!.GetValue(null)!;

        Assert.Contains("    Finished --> [*]", CallStatic(worker, "ToMermaid").Split('\n'));
        Assert.Contains("    Finished [peripheries=2];", CallStatic(worker, "ToDot").Split('\n'));
        Assert.True(definition.IsTerminal(definition.FindState("Finished")));
        Assert.Equal(LifecyclePhase.Stopping, definition.GetPhase(definition.FindState("Draining")));
        Assert.Equal(TimeSpan.FromSeconds(30), definition.GetActionTimeout(0));
    }

    [Fact]
    public void DecideDispatchesToTheStateMethodAndRunActionToTheAction()
    {
        Type worker = LoadWorker(WorkerSources.Nested, "Sample.Nesting.Plant+Line+ValveWorker");
        var machine = (IWorkerMachine<int, int>)Activator.CreateInstance(worker, nonPublic: true)!;
        var identity = new WorkerIdentity("v1", "ValveWorker");
        DateTimeOffset now = DateTimeOffset.UnixEpoch;

        Next open = machine.Decide(0, new Snapshot<int, int>(identity, desired: 1, observed: 0, now, now, shutdownRequested: false));
        Assert.Equal(NextKind.Goto, open.Kind);
        Assert.Equal(1, open.State);
        Assert.Equal("opening", open.Reason);

        Next adjust = machine.Decide(1, new Snapshot<int, int>(identity, desired: 1, observed: 1, now, now, shutdownRequested: false));
        Assert.Equal(NextKind.Do, adjust.Kind);
        Assert.Equal(0, adjust.Action);
        Assert.True(machine.RunActionAsync(0, 1, TestContext.Current.CancellationToken).IsCompletedSuccessfully);

        Assert.Throws<ArgumentOutOfRangeException>(() => machine.Decide(2, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = machine.RunActionAsync(1, 1, TestContext.Current.CancellationToken); });
    }

    [Theory]
    [MemberData(nameof(Workers))]
    public void EveryWorkerGetsTestDecideOverEachState(string source, string typeName, string initial, string[] edges)
    {
        Type test = LoadWorker(source, typeName).GetNestedType("Test", BindingFlags.Public)!;

        Assert.NotNull(test.GetMethod("Decide", BindingFlags.Public | BindingFlags.Static));
        Assert.NotNull(test.GetNestedType("Decision", BindingFlags.Public));
        Assert.NotEmpty(initial);
        Assert.NotEmpty(edges);
    }

    [Fact]
    public void AWorkerWithAMemberNamedTestKeepsItAndGetsNoTestClass()
    {
        string source = WorkerSources.GlobalNamespace.Replace(
            "public ValueTask<bool> CollectAsync",
            "public static int Test => 42;\n\n    public ValueTask<bool> CollectAsync",
            StringComparison.Ordinal);
        Assert.NotEqual(WorkerSources.GlobalNamespace, source);

        Type worker = LoadWorker(source, "LampWorker");

        Assert.Null(worker.GetNestedType("Test", BindingFlags.Public));
        Assert.Equal(42, worker.GetProperty("Test")!.GetValue(null));
    }
}
