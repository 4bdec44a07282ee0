using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FsmV2.TestKit;

/// <summary>
/// What in-memory compilations of worker sources are made of: the latest language version, a nullable-enabled
/// library, the SDK's implicit usings, and the .NET 10 reference assemblies of Basic.Reference.Assemblies (so no
/// reference pack is downloaded at test time) plus the FsmV2 runtime.
/// </summary>
public static class TestCompilation
{
    /// <summary>The latest C# version.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>A library with nullable reference types on, as an SDK project builds it.</summary>
    public static readonly CSharpCompilationOptions LibraryOptions =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <summary>Usings a file gets from an SDK project with implicit usings on.</summary>
    public const string ImplicitUsings =
        "global using System;\nglobal using System.Collections.Generic;\nglobal using System.Linq;\n" +
        "global using System.Threading;\nglobal using System.Threading.Tasks;\n";

    /// <summary><see cref="ImplicitUsings"/> plus <c>FsmV2</c>, so worker sources need no using of their own.</summary>
    public const string WorkerUsings = ImplicitUsings + "global using FsmV2;\n";

    /// <summary>The .NET 10 reference assemblies plus the FsmV2 runtime and the logging abstractions its API exposes.</summary>
    public static readonly ImmutableArray<MetadataReference> References = ReferencesWith(
        typeof(WorkerAttribute), typeof(Microsoft.Extensions.Logging.ILogger));

    /// <summary>The .NET 10 reference assemblies plus the assemblies that define <paramref name="types"/>.</summary>
    public static ImmutableArray<MetadataReference> ReferencesWith(params Type[] types) =>
        [.. Net100.References.All, .. types.Select(t => t.Assembly.Location).Distinct().Select(p => MetadataReference.CreateFromFile(p))];

    /// <summary>Every assembly the running process may load (the framework, and all the test references).</summary>
    public static IEnumerable<MetadataReference> ProcessReferences() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(f => MetadataReference.CreateFromFile(f));

    /// <summary>Parses <paramref name="source"/> with <see cref="ParseOptions"/> as the file <paramref name="path"/>.</summary>
    public static SyntaxTree Parse(string source, string path, CancellationToken ct = default) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path, cancellationToken: ct);

    /// <summary>A library compilation (<see cref="LibraryOptions"/>) of <paramref name="trees"/>, against <see cref="References"/> unless told.</summary>
    public static CSharpCompilation Library(string name, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference>? references = null) =>
        CSharpCompilation.Create(name, trees, references ?? References, LibraryOptions);
}
