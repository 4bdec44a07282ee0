using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Generators.Tests;

/// <summary>
/// The pipeline must cache: re-running on an unchanged compilation does no new work, editing a state body
/// leaves every model unchanged, and no step keeps a symbol, syntax node or compilation alive.
/// </summary>
public class IncrementalityTests
{
    private static readonly string[] AllTrackingNames =
        typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

    private static bool IsCachedOrUnchanged(IncrementalStepRunReason reason) =>
        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged;

    [Fact]
    public void TrackingNamesAreKnown() => Assert.Contains(TrackingNames.Workers, AllTrackingNames);

    [Fact]
    public void RerunOnAClonedCompilationIsFullyCached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(WorkerSources.Pump, WorkerSources.TerminalAndShapes, WorkerSources.ChildOf);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);
        GeneratorRunResult first = driver.GetRunResult().Results[0];

        GeneratorRunResult second = driver.RunGenerators(compilation.Clone(), TestContext.Current.CancellationToken).GetRunResult().Results[0];

        Assert.Null(first.Exception);
        Assert.Equal(4, first.GeneratedSources.Length);
        Assert.Equal(
            first.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));

        foreach (string name in AllTrackingNames)
        {
            Assert.True(first.TrackedSteps.ContainsKey(name), $"Step '{name}' was not tracked on the first run.");
            Assert.True(second.TrackedSteps.TryGetValue(name, out var steps), $"Step '{name}' was not tracked on the second run.");
            Assert.NotEmpty(steps);
            foreach (IncrementalGeneratorRunStep step in steps)
            {
                foreach ((object value, IncrementalStepRunReason reason) in step.Outputs)
                {
                    Assert.True(IsCachedOrUnchanged(reason), $"Step '{name}' output {value} ran for reason {reason}.");
                }
            }
        }

        IncrementalGeneratorRunStep[] outputSteps = second.TrackedOutputSteps.SelectMany(o => o.Value).ToArray();
        Assert.NotEmpty(outputSteps);
        Assert.All(outputSteps.SelectMany(s => s.Outputs), o => Assert.True(IsCachedOrUnchanged(o.Reason), $"Source output ran for reason {o.Reason}."));

        // Nothing a step keeps may pin a compilation: no symbols, no syntax, no compilation.
        foreach (IncrementalGeneratorRunStep step in first.TrackedSteps.SelectMany(s => s.Value).Concat(second.TrackedSteps.SelectMany(s => s.Value)))
        {
            if (!AllTrackingNames.Contains(step.Name))
            {
                continue;
            }

            foreach ((object value, _) in step.Outputs)
            {
                AssertHoldsNoCompilationObjects(value, step.Name!);
            }
        }
    }

    [Fact]
    public void EditingAStateBodyLeavesEveryModelUnchanged()
    {
        SyntaxTree pumpTree = GeneratorHarness.Parse(WorkerSources.Pump, "Pump.cs");
        SyntaxTree lampTree = GeneratorHarness.Parse(WorkerSources.GlobalNamespace, "Lamp.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation([pumpTree, lampTree]);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);
        string pumpBefore = driver.GetRunResult().Results[0].GeneratedSources.Single(s => s.HintName.Contains("PumpWorker", StringComparison.Ordinal)).SourceText.ToString();

        string edited = WorkerSources.Pump.Replace("\"desired: stopped\"", "\"desired: stopped, waiting for a start request\"", StringComparison.Ordinal);
        Assert.NotEqual(WorkerSources.Pump, edited);
        CSharpCompilation changed = compilation.ReplaceSyntaxTree(pumpTree, GeneratorHarness.Parse(edited, "Pump.cs"));
        GeneratorRunResult result = driver.RunGenerators(changed, TestContext.Current.CancellationToken).GetRunResult().Results[0];

        Assert.Null(result.Exception);
        var byWorker = new Dictionary<string, IncrementalStepRunReason>();
        foreach (IncrementalGeneratorRunStep step in result.TrackedSteps[TrackingNames.Workers])
        {
            foreach ((object value, IncrementalStepRunReason reason) in step.Outputs)
            {
                var worker = Assert.IsType<WorkerResult>(value);
                Assert.NotNull(worker.Model);
                byWorker.Add(worker.Model.TypeName, reason);
            }
        }

        Assert.Equal(["LampWorker", "PumpWorker"], byWorker.Keys.Order());
        Assert.True(IsCachedOrUnchanged(byWorker["LampWorker"]), $"The untouched worker's step ran for reason {byWorker["LampWorker"]}.");
        Assert.Equal(IncrementalStepRunReason.Unchanged, byWorker["PumpWorker"]);

        // So nothing is re-emitted.
        Assert.All(
            result.TrackedOutputSteps.SelectMany(o => o.Value).SelectMany(s => s.Outputs),
            o => Assert.True(IsCachedOrUnchanged(o.Reason), $"Source output ran for reason {o.Reason}."));
        Assert.Equal(pumpBefore, result.GeneratedSources.Single(s => s.HintName.Contains("PumpWorker", StringComparison.Ordinal)).SourceText.ToString());
    }

    [Fact]
    public void MovingAWorkerThatHasADiagnosticMovesTheDiagnosticButDoesNotReEmitItsFile()
    {
        string source = WorkerSources.Pump.Replace("[TransitionsTo(nameof(Starting))]", "[TransitionsTo(nameof(Starting), \"Nowhere\")]", StringComparison.Ordinal);
        Assert.NotEqual(WorkerSources.Pump, source);
        SyntaxTree tree = GeneratorHarness.Parse(source, "Pump.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation([tree]);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);
        GeneratorRunResult first = driver.GetRunResult().Results[0];
        Diagnostic before = Assert.Single(first.Diagnostics, d => d.Id == "FSMV002");

        CSharpCompilation moved = compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse("// a line above the worker\n" + source, "Pump.cs"));
        GeneratorRunResult second = driver.RunGenerators(moved, TestContext.Current.CancellationToken).GetRunResult().Results[0];

        Diagnostic after = Assert.Single(second.Diagnostics, d => d.Id == "FSMV002");
        Assert.Equal(before.Location.GetLineSpan().StartLinePosition.Line + 1, after.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(second.TrackedSteps[TrackingNames.Workers].SelectMany(s => s.Outputs)).Reason); // its diagnostics moved
        IncrementalStepRunReason model = Assert.Single(second.TrackedSteps[TrackingNames.Models].SelectMany(s => s.Outputs)).Reason;
        Assert.True(IsCachedOrUnchanged(model), $"The model step ran for reason {model}: the file would be emitted again.");
        Assert.Equal(first.GeneratedSources.Single().SourceText.ToString(), second.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void ChangingAnActionTimeoutChangesOnlyThatWorkersModel()
    {
        SyntaxTree pumpTree = GeneratorHarness.Parse(WorkerSources.Pump, "Pump.cs");
        SyntaxTree lampTree = GeneratorHarness.Parse(WorkerSources.GlobalNamespace, "Lamp.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation([pumpTree, lampTree]);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);

        string edited = WorkerSources.Pump.Replace("[Action(TimeoutMs = 5_000)]", "[Action(TimeoutMs = 6_000)]", StringComparison.Ordinal);
        GeneratorRunResult result = driver.RunGenerators(compilation.ReplaceSyntaxTree(pumpTree, GeneratorHarness.Parse(edited, "Pump.cs")), TestContext.Current.CancellationToken).GetRunResult().Results[0];

        var reasons = result.TrackedSteps[TrackingNames.Workers]
            .SelectMany(s => s.Outputs)
            .ToDictionary(o => ((WorkerResult)o.Value).Model!.TypeName, o => o.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, reasons["PumpWorker"]);
        Assert.True(IsCachedOrUnchanged(reasons["LampWorker"]));
        Assert.Contains("actionTimeoutsMs: new int[] { 6000 }", result.GeneratedSources.Single(s => s.HintName == "Sample.Pumps.PumpWorker.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GraphWalkDetectsASymbol()
    {
        // The walk itself must be able to fail, or the cache test above proves nothing.
        Compilation compilation = GeneratorHarness.CreateCompilation(WorkerSources.Pump);
        var holder = new List<object> { Tuple.Create("x", (object)compilation.GetTypeByMetadataName("Sample.Pumps.PumpWorker")!) };
        Exception failure = Assert.ThrowsAny<Exception>(() => AssertHoldsNoCompilationObjects(holder, "probe"));
        Assert.Contains("holds a", failure.Message, StringComparison.Ordinal);
    }

    private static void AssertHoldsNoCompilationObjects(object root, string stepName)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        pending.Push((root, stepName));
        while (pending.Count > 0)
        {
            (object value, string path) = pending.Pop();
            Type type = value.GetType();
            Assert.False(
                value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel,
                $"Step '{stepName}' holds a {type.Name} at {path}; step outputs must be plain values.");

            if (type.IsPrimitive || type.IsEnum || value is string or decimal || (!type.IsValueType && !visited.Add(value)))
            {
                continue;
            }

            if (value is IEnumerable items)
            {
                int index = 0;
                foreach (object? item in items)
                {
                    if (item is not null)
                    {
                        pending.Push((item, $"{path}[{index}]"));
                    }

                    index++;
                }
            }

            for (Type? t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
            {
                foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    {
                        continue;
                    }

                    if (field.GetValue(value) is { } child)
                    {
                        pending.Push((child, $"{path}.{field.Name}"));
                    }
                }
            }
        }
    }
}
