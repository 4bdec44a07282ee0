using FsmV2.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// Runs an FSMV analyzer (and code fix) the way a build does: the worker generator runs first, so the generated
/// <c>State</c>, <c>Act</c> and <c>Goto</c>/<c>Stay</c>/... exist, and generator diagnostics are checked too.
/// References are the kit's <see cref="TestCompilation.References"/> (the .NET 10 reference assemblies shipped in
/// Basic.Reference.Assemblies plus the FsmV2 runtime), so no reference pack is downloaded at test time; every
/// source gets <see cref="TestCompilation.WorkerUsings"/>.
/// </summary>
internal static class Verify
{
    /// <summary>No package download: every reference comes from <see cref="TestCompilation.References"/>.</summary>
    private static readonly ReferenceAssemblies NoPackages = new("net10.0");

    public static async Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer>();
        Configure(test, test.TestState, source);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Like <see cref="AnalyzerAsync{TAnalyzer}(string, DiagnosticResult[])"/> over several files (Worker.cs first).</summary>
    public static async Task AnalyzerFilesAsync<TAnalyzer>(string source, (string Name, string Source)[] others, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer>();
        Configure(test, test.TestState, source);
        test.TestState.Sources.AddRange(others.Select(o => (o.Name, Microsoft.CodeAnalysis.Text.SourceText.From(o.Source))));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <param name="nonLocal">
    /// True when the diagnostic is reported away from the node that was analyzed (a Goto in a helper, reported while
    /// analyzing the calling state): a fix is then offered after a full analysis of the document, not from an
    /// analysis of the helper's span alone, and the framework's locality check is skipped.
    /// </param>
    public static async Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource, bool nonLocal = false)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TAnalyzer, TCodeFix>();
        if (nonLocal)
        {
            test.CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
        }

        Configure(test, test.TestState, source);
        test.FixedState.Sources.Add(("Worker.cs", fixedSource));
        test.FixedState.Sources.Add(("Usings.cs", TestCompilation.WorkerUsings));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Like <see cref="CodeFixAsync{TAnalyzer, TCodeFix}"/> with a second file, <paramref name="other"/>, that the fix may change too.</summary>
    public static async Task CodeFixFilesAsync<TAnalyzer, TCodeFix>(string source, string fixedSource, (string Name, string Source, string Fixed) other)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TAnalyzer, TCodeFix>();
        Configure(test, test.TestState, source);
        test.TestState.Sources.Add((other.Name, other.Source));
        test.FixedState.Sources.Add(("Worker.cs", fixedSource));
        test.FixedState.Sources.Add(("Usings.cs", TestCompilation.WorkerUsings));
        test.FixedState.Sources.Add((other.Name, other.Fixed));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    private static void Configure<TVerifier>(Microsoft.CodeAnalysis.Testing.AnalyzerTest<TVerifier> test, SolutionState state, string source)
        where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = NoPackages;
        test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            Project project = solution.GetProject(projectId)!;
            var options = (CSharpCompilationOptions)project.CompilationOptions!;
            return solution
                .WithProjectCompilationOptions(projectId, options.WithNullableContextOptions(NullableContextOptions.Enable))
                .WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
        });
        state.AdditionalReferences.AddRange(TestCompilation.References);
        state.Sources.Add(("Worker.cs", source));
        state.Sources.Add(("Usings.cs", TestCompilation.WorkerUsings));
    }

    private sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(WorkerGenerator)];
    }

    private sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(WorkerGenerator)];
    }

    /// <summary>A worker <c>W : IWorker&lt;int, int&gt;</c> in namespace <c>Sample</c> with <paramref name="members"/> in it.</summary>
    public static string Worker(string members, string header = "[Worker]\npublic sealed partial class W : IWorker<int, int>") => $$"""
        namespace Sample;

        {{header}}
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

        {{members}}
        }
        """;
}
