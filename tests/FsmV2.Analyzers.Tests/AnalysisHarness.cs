using System.Collections.Immutable;
using FsmV2.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FsmV2.Analyzers.Tests;

/// <summary>What a build sees: generator diagnostics, compiler diagnostics and analyzer diagnostics, plus any analyzer crash.</summary>
internal sealed record AnalysisResult(
    ImmutableArray<Diagnostic> Generator,
    ImmutableArray<Diagnostic> Compiler,
    ImmutableArray<Diagnostic> Analyzers,
    IReadOnlyList<string> AnalyzerExceptions)
{
    public IEnumerable<Diagnostic> All => Generator.Concat(Compiler).Concat(Analyzers);
}

/// <summary>Compiles sources, runs the worker generator, then every FSMV analyzer over the result.</summary>
internal static class AnalysisHarness
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers =
        [new StateMethodAnalyzer(), new WorkerGraphAnalyzer(), new ActionMethodAnalyzer(), new ChildSpecAnalyzer()];

    public static async Task<AnalysisResult> RunAsync(IEnumerable<(string Path, string Source)> sources, CancellationToken ct)
    {
        CSharpCompilation compilation = TestCompilation.Library(
            "Workers",
            sources.Select(s => TestCompilation.Parse(s.Source, s.Path, ct))
                .Prepend(TestCompilation.Parse(TestCompilation.WorkerUsings, "Usings.cs", ct)));

        CSharpGeneratorDriver.Create([new WorkerGenerator().AsSourceGenerator()], parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics, ct);

        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, analyzer, diagnostic) =>
            {
                lock (exceptions)
                {
                    exceptions.Add($"{analyzer.GetType().Name}: {exception}");
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var withAnalyzers = new CompilationWithAnalyzers(output, Analyzers, options);
        ImmutableArray<Diagnostic> analyzerDiagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync(ct);
        return new AnalysisResult(generatorDiagnostics, output.GetDiagnostics(ct), analyzerDiagnostics, exceptions);
    }
}
