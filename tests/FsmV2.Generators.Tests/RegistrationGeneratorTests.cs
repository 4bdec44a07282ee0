using Microsoft.CodeAnalysis;

namespace FsmV2.Generators.Tests;

/// <summary>
/// <see cref="RegistrationGenerator"/>: <c>AddWorker&lt;TWorker&gt;(id, spec)</c> and <c>(id, section)</c> on
/// <c>IFsmV2Builder</c>, one class per pair of desired and observed types, only where hosting is referenced.
/// </summary>
public class RegistrationGeneratorTests
{
    private static string Worker(string name, string desired, string observed) => $$"""
        using FsmV2;

        [Worker]
        public sealed partial class {{name}} : IWorker<{{desired}}, {{observed}}>
        {
            public ValueTask<{{observed}}> CollectAsync({{desired}} desired, CancellationToken ct) => ValueTask.FromResult(new {{observed}}());

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<{{desired}}, {{observed}}> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
        }
        """;

    private const string Types = """
        public sealed record Spec(bool On = true);
        public sealed record Seen();
        public sealed record OtherSeen();
        """;

    private const string Usage = """
        using FsmV2;
        using FsmV2.Hosting;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        static class Registrations
        {
            public static IFsmV2Builder Add(IServiceCollection services, IConfiguration configuration) =>
                services.AddFsmV2()
                    .AddWorker<A>("a", new Spec())
                    .AddWorker<B>("b", new Spec(On: false))
                    .AddWorker<C>("c", new Spec())
                    .AddWorker<C>("c2", configuration.GetSection("Workers:c2"));
        }
        """;

    [Fact]
    public void AddWorker_of_the_worker_alone_binds_to_its_pair_of_types_with_one_class_per_pair()
    {
        // A and B share (Spec, Seen); C has (Spec, OtherSeen): same parameter types, told apart by the constraint alone.
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.CreateCompilation(Types, Worker("A", "Spec", "Seen"), Worker("B", "Spec", "Seen"), Worker("C", "Spec", "OtherSeen"), Usage),
            GeneratorHarness.CreateDriver(registrations: true));

        run.AssertNoErrors();
        Assert.Empty(run.OutputDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string generated = Assert.Single(run.RunResult.Results[1].GeneratedSources).SourceText.ToString();
        Assert.Equal(2, CountOf(generated, "internal static class FsmV2WorkerRegistrations_GeneratorTestAssembly_"));
        Assert.Contains("where TWorker : class, global::FsmV2.IWorkerMachine<global::Spec, global::Seen>", generated, StringComparison.Ordinal);
        Assert.Contains("where TWorker : class, global::FsmV2.IWorkerMachine<global::Spec, global::OtherSeen>", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_of_the_wrong_type_is_a_compile_error_naming_the_workers_spec_type()
    {
        const string wrong = """
            using FsmV2.Hosting;
            using Microsoft.Extensions.DependencyInjection;
            static class Wrong
            {
                public static IFsmV2Builder Add(IServiceCollection services) => services.AddFsmV2().AddWorker<A>("a", "not a spec");
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Types, Worker("A", "Spec", "Seen"), wrong), GeneratorHarness.CreateDriver(registrations: true));

        Diagnostic error = Assert.Single(run.OutputErrors);
        Assert.Equal("Argument 3: cannot convert from 'string' to 'Spec'", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Without_the_hosting_assembly_nothing_is_generated()
    {
        var references = TestCompilation.ReferencesWith(typeof(FsmV2.WorkerAttribute), typeof(Microsoft.Extensions.Logging.ILogger));
        var compilation = TestCompilation.Library(
            "NoHosting",
            [GeneratorHarness.Parse(TestCompilation.ImplicitUsings, "ImplicitUsings.cs"), GeneratorHarness.Parse(Types, "Types.cs"), GeneratorHarness.Parse(Worker("A", "Spec", "Seen"), "A.cs")],
            references);

        GeneratorRun run = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver(registrations: true));

        run.AssertNoErrors();
        Assert.Empty(run.RunResult.Results[1].GeneratedSources);
    }

    [Fact]
    public void A_worker_whose_spec_type_is_private_gets_no_overload_and_no_error()
    {
        const string hidden = """
            using FsmV2;

            public static partial class Outer
            {
                private sealed record Secret();

                [Worker]
                private sealed partial class Hidden : IWorker<Secret, Secret>
                {
                    public ValueTask<Secret> CollectAsync(Secret desired, CancellationToken ct) => ValueTask.FromResult(new Secret());

                    [State(Initial = true, Terminal = true)]
                    static Next Idle(in Snapshot<Secret, Secret> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("idle");
                }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Types, Worker("A", "Spec", "Seen"), hidden), GeneratorHarness.CreateDriver(registrations: true));

        run.AssertNoErrors();
        string generated = Assert.Single(run.RunResult.Results[1].GeneratedSources).SourceText.ToString();
        Assert.Equal(1, CountOf(generated, "internal static class"));
        Assert.DoesNotContain("Secret", generated, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, string.Empty, StringComparison.Ordinal).Length) / part.Length;
}
