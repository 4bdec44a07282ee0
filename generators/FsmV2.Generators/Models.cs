using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FsmV2.Generators;

/// <summary>Everything the emitter needs to know about one worker; plain values only.</summary>
/// <remarks>
/// <see cref="IsPartial"/> is false for a worker (or a type containing it) missing <c>partial</c>: FSMV015 is reported
/// and only the stand-ins its state bodies name are emitted, so that FSMV015 is the only error. <see cref="EmitTest"/>
/// is false when the worker declares a member named <c>Test</c> itself.
/// </remarks>
internal sealed record WorkerModel(
    string Namespace,
    string TypeName,
    string FullyQualifiedName,
    EquatableArray<string> ContainingTypes,
    string DesiredType,
    string ObservedType,
    EquatableArray<StateModel> States,
    EquatableArray<ActionModel> Actions,
    EquatableArray<string> Parents,
    int InitialState,
    bool HasParameterlessConstructor,
    bool IsPartial = true,
    bool EmitTest = true)
{
    public string HintName => WorkerModelBuilder.Short(FullyQualifiedName)
        .Replace("@", string.Empty).Replace('<', '[').Replace('>', ']') + ".g.cs"; // '@' (an escaped keyword) is not allowed in hint names.
}

/// <summary>One <c>[State]</c> method.</summary>
internal sealed record StateModel(
    string Name,
    bool Initial,
    bool Terminal,
    int Phase,
    EquatableArray<string> Targets,
    bool Callable,
    bool ReadsTime);

/// <summary>One <c>[Action]</c> method.</summary>
internal sealed record ActionModel(
    string Name,
    int TimeoutMs,
    bool Callable,
    bool TakesDesired,
    bool ReturnsValueTask);

/// <summary>A diagnostic as plain data, so it can travel through the incremental pipeline.</summary>
internal sealed record DiagnosticInfo(
    string Id,
    string FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        location ??= Location.None;
        return new DiagnosticInfo(
            descriptor.Id,
            location.SourceTree?.FilePath ?? string.Empty,
            location.SourceSpan,
            location.GetLineSpan().Span,
            arguments.ToEquatableArray());
    }

    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = FsmV2.Analyzers.DiagnosticDescriptors.Find(Id);
        Location location = FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
        object[] args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i];
        }

        return Diagnostic.Create(descriptor, location, args);
    }
}

/// <summary>The outcome of reading one worker: a model to emit (when it can be emitted) and its diagnostics.</summary>
internal sealed record WorkerResult(WorkerModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
