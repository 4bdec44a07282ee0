using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace FsmV2.Generators;

/// <summary>
/// Generates the machine half of every <c>[Worker]</c> partial class. One pipeline step per worker, keyed on
/// the <c>[Worker]</c> attribute, so editing one worker re-runs only that worker.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class WorkerGenerator : IIncrementalGenerator
{
    private static readonly string Version =
        typeof(WorkerGenerator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(WorkerGenerator).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<WorkerResult> workers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                WorkerModelBuilder.WorkerAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => WorkerModelBuilder.Build(ctx, ct))
            .WithTrackingName(TrackingNames.Workers);

        // Two outputs: diagnostics carry source positions, so an edit above a worker with a diagnostic changes them;
        // its model (and so its file) stays equal and is not emitted again.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = workers
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, found) =>
        {
            foreach (DiagnosticInfo diagnostic in found)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<WorkerModel> models = workers
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, static (spc, model) =>
            spc.AddSource(model.HintName, SourceText.From(WorkerEmitter.Emit(model, Version), System.Text.Encoding.UTF8)));
    }
}
