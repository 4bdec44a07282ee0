extern alias FsmV2Tools;

using System.Collections.Immutable;
using System.Text;
using BenchmarkDotNet.Attributes;
using FsmV2.TestKit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using WorkerGenerator = FsmV2Tools::FsmV2.Generators.WorkerGenerator;
using StateMethodAnalyzer = FsmV2Tools::FsmV2.Analyzers.StateMethodAnalyzer;
using WorkerGraphAnalyzer = FsmV2Tools::FsmV2.Analyzers.WorkerGraphAnalyzer;
using ActionMethodAnalyzer = FsmV2Tools::FsmV2.Analyzers.ActionMethodAnalyzer;

namespace FsmV2.Benchmarks;

/// <summary>
/// The build-time cost of FsmV2 on a project of 200 workers (one file each, four states and an action): the
/// generator's first run, its re-run after one state body changed (the incremental path an IDE takes on every
/// keystroke), and all FSMV analyzers over the generated compilation.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Workers = 200;

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warmDriver = null!;
    private Compilation _generated = null!;

    [GlobalSetup]
    public void Setup()
    {
        var trees = new List<SyntaxTree>
        {
            TestCompilation.Parse(TestCompilation.WorkerUsings, "Usings.cs"),
        };
        for (int i = 0; i < Workers; i++)
        {
            trees.Add(TestCompilation.Parse(Source(i, "\"running\""), $"Worker{i}.cs"));
        }

        _compilation = CSharpCompilation.Create(
            "Workers",
            trees,
            TestCompilation.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        // One state body of one worker edited, as when someone types in it.
        SyntaxTree old = _compilation.SyntaxTrees.Single(t => t.FilePath == "Worker100.cs");
        _edited = _compilation.ReplaceSyntaxTree(old, TestCompilation.Parse(Source(100, "\"still running\""), "Worker100.cs"));

        _warmDriver = NewDriver().RunGeneratorsAndUpdateCompilation(_compilation, out _generated, out _);
    }

    [Benchmark(Description = "generator: first run, 200 workers")]
    public Compilation FirstRun()
    {
        NewDriver().RunGeneratorsAndUpdateCompilation(_compilation, out Compilation output, out _);
        return output;
    }

    [Benchmark(Description = "generator: re-run after editing one state body")]
    public Compilation RerunAfterEdit()
    {
        _warmDriver.RunGeneratorsAndUpdateCompilation(_edited, out Compilation output, out _);
        return output;
    }

    [Benchmark(Description = "analyzers: all FSMV rules, 200 workers")]
    public int Analyzers()
    {
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new StateMethodAnalyzer(), new WorkerGraphAnalyzer(), new ActionMethodAnalyzer());
        var withAnalyzers = new CompilationWithAnalyzers(_generated, analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, true, false));
        return withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult().Length;
    }

    private static GeneratorDriver NewDriver() =>
        CSharpGeneratorDriver.Create([new WorkerGenerator().AsSourceGenerator()], parseOptions: TestCompilation.ParseOptions);

    private static string Source(int i, string runningReason)
    {
        var source = new StringBuilder();
        source.Append($$"""
            namespace Generated.Workers{{i}};

            public sealed record Config{{i}}(bool Run);

            public sealed record Status{{i}}(bool Up);

            [Worker]
            public sealed partial class Worker{{i}} : IWorker<Config{{i}}, Status{{i}}>
            {
                public ValueTask<Status{{i}}> CollectAsync(Config{{i}} desired, CancellationToken ct) => ValueTask.FromResult(new Status{{i}}(desired.Run));

                [State(Initial = true)]
                [TransitionsTo(nameof(Starting))]
                static Next Stopped(in Snapshot<Config{{i}}, Status{{i}}> s)
                    => s.ShutdownRequested ? Remove("shutdown requested") : s.Desired.Run ? Goto(State.Starting, "start") : Stay("stopped");

                [State]
                [TransitionsTo(nameof(Running), nameof(Stopping))]
                static Next Starting(in Snapshot<Config{{i}}, Status{{i}}> s)
                    => s.ShutdownRequested ? Goto(State.Stopping, "shutdown requested") : s.Observed.Up ? Goto(State.Running, "up") : Do(Act.Start, "starting");

                [State]
                [TransitionsTo(nameof(Stopping))]
                static Next Running(in Snapshot<Config{{i}}, Status{{i}}> s)
                    => s.ShutdownRequested || !s.Desired.Run ? Goto(State.Stopping, "stop") : Stay({{runningReason}});

                [State]
                [TransitionsTo(nameof(Stopped))]
                static Next Stopping(in Snapshot<Config{{i}}, Status{{i}}> s)
                    => s.ShutdownRequested || !s.Observed.Up ? Goto(State.Stopped, "stopped") : Do(Act.Stop, "stopping");

                [Action(TimeoutMs = 1_000)]
                Task Start(CancellationToken ct) => Task.CompletedTask;

                [Action(TimeoutMs = 1_000)]
                Task Stop(CancellationToken ct) => Task.CompletedTask;
            }
            """);
        return source.ToString();
    }
}
