using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.Generators.Tests;

/// <summary>What one run of <see cref="WorkerGenerator"/> over a compilation produced.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> OutputDiagnostics)
{
    /// <summary>The generated sources by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        RunResult.Results[0].GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Errors of the compilation that includes the generated code.</summary>
    public IReadOnlyList<Diagnostic> OutputErrors =>
        OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    /// <summary>The one generated source; fails when the generator produced none or several.</summary>
    public string SingleSource()
    {
        IReadOnlyDictionary<string, string> sources = Sources;
        Assert.True(sources.Count == 1, $"Expected one generated source, got {sources.Count}: {string.Join(", ", sources.Keys)}");
        return sources.Values.Single();
    }

    /// <summary>Fails with every error listed when the output compilation has errors.</summary>
    public void AssertNoErrors()
    {
        var errors = GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Concat(OutputErrors).ToList();
        Assert.True(errors.Count == 0, "Unexpected errors:\n" + string.Join("\n", errors.Select(e => e.ToString())));
    }
}

/// <summary>Builds in-memory compilations of worker sources and runs the generator over them.</summary>
internal static class GeneratorHarness
{
    /// <summary>The kit's references (the .NET 10 reference assemblies, the FsmV2 runtime) plus hosting and the testing kit with xunit, which README examples show.</summary>
    private static readonly ImmutableArray<MetadataReference> References = TestCompilation.ReferencesWith(
        typeof(FsmV2.WorkerAttribute),
        typeof(FsmV2.Testing.WorkerHarness<,>),
        typeof(Microsoft.Extensions.Time.Testing.FakeTimeProvider),
        typeof(Xunit.FactAttribute),
        typeof(Xunit.Assert),
        typeof(Microsoft.Extensions.Logging.ILogger),
        typeof(FsmV2.Hosting.FsmV2ServiceCollectionExtensions),
        typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection),
        typeof(Microsoft.Extensions.DependencyInjection.IHealthChecksBuilder), // FsmV2.Hosting's AddFsmV2 overloads include the health checks'
        typeof(Microsoft.Extensions.Configuration.IConfiguration));

    public static SyntaxTree Parse(string source, string path) => TestCompilation.Parse(source, path);

    /// <summary>A library compilation of <paramref name="sources"/> (each its own tree) plus the implicit usings.</summary>
    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources.Select((s, i) => Parse(s, $"Worker{i}.cs")));

    public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees) =>
        TestCompilation.Library("GeneratorTestAssembly", trees.Prepend(Parse(TestCompilation.ImplicitUsings, "ImplicitUsings.cs")), References);

    /// <summary>
    /// A driver that records every incremental step, so tests can read why each step ran. With
    /// <paramref name="registrations"/>, <see cref="RegistrationGenerator"/> runs too (second, after the worker generator).
    /// </summary>
    public static GeneratorDriver CreateDriver(bool registrations = false) =>
        CSharpGeneratorDriver.Create(
            registrations ? [new WorkerGenerator().AsSourceGenerator(), new RegistrationGenerator().AsSourceGenerator()] : [new WorkerGenerator().AsSourceGenerator()],
            parseOptions: TestCompilation.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

    public static GeneratorRun Run(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(
            compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorRun(
            compilation,
            output,
            driver,
            driver.GetRunResult(),
            generatorDiagnostics,
            output.GetDiagnostics());
    }

    /// <summary>
    /// Emits the output compilation and loads it into a collectible context; FsmV2 itself resolves from the
    /// test's own load context, so the generated code and the test see the same runtime types.
    /// </summary>
    public static Assembly Load(GeneratorRun run)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = run.Output.Emit(stream);
        Assert.True(result.Success, "Emit failed:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return context.LoadFromStream(stream);
    }
}
