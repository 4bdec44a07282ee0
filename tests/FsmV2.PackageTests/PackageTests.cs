using System.IO.Compression;
using System.Xml.Linq;

namespace FsmV2.PackageTests;

/// <summary>
/// The package as a user gets it: its contents, and a console app that references nothing but
/// <c>FsmV2.Toolkit</c> and runs a generated worker under a supervisor. Slow (a pack, a restore, a build).
/// </summary>
public sealed class PackageTests(PackedToolkit packed) : IClassFixture<PackedToolkit>
{
    /// <summary>The consumer app's sources: its Program.cs, and the test kit's PumpWorker.cs.</summary>
    private static string[] ConsumerSources =>
        [.. Directory.GetFiles(Repository.PathOf("tests/FsmV2.PackageTests/ConsumerApp"), "*.cs"), KitFiles.PumpWorker];

    [Fact]
    public void Package_holds_the_runtime_the_generator_and_the_analyzers()
    {
        using ZipArchive zip = ZipFile.OpenRead(packed.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("lib/net10.0/FsmV2.dll", entries);
        Assert.Contains("lib/net10.0/FsmV2.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/FsmV2.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/FsmV2.Analyzers.dll", entries);
        Assert.Contains("README.md", entries);

        ZipArchiveEntry nuspec = Assert.Single(zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        XDocument doc = XDocument.Load(stream);
        var dependencies = doc.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
        // Fluid.Core renders templates; TimeZoneConverter is pinned above Fluid.Core's own lower bound (see Directory.Packages.props).
        Assert.Equal(["Fluid.Core", "Microsoft.Extensions.Logging.Abstractions", "TimeZoneConverter"], dependencies.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_console_app_referencing_only_the_package_runs_the_pump_to_Running()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string app = Path.Combine(packed.Root, "PumpApp");
        Directory.CreateDirectory(app);

        // Stubs stop MSBuild from looking further up for Directory.*.props (no central package management leaks in).
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />\n", ct);
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Packages.props"), "<Project />\n", ct);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="fsmv2-local" value="{packed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """, ct);
        // A packages folder of its own: a 0.1.0 cached in ~/.nuget/packages by an earlier run cannot be picked up.
        await File.WriteAllTextAsync(Path.Combine(app, "PumpApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(packed.Root, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackedToolkit.PackageId}" Version="{PackedToolkit.Version}" />
              </ItemGroup>
            </Project>
            """, ct);
        foreach (string source in ConsumerSources)
        {
            File.Copy(source, Path.Combine(app, Path.GetFileName(source)));
        }

        ProcessResult run = await DotNet.RunAsync(app, ct, "run", "-c", "Release", "--disable-build-servers");
        TestContext.Current.TestOutputHelper?.WriteLine(run.Describe());

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(run.StdOut.Contains("Stopped --> Starting", StringComparison.Ordinal), run.Describe());
        Assert.True(run.StdOut.Contains("RESULT state=Running", StringComparison.Ordinal), run.Describe());
        Assert.True(run.StdOut.Contains("SHUTDOWN removed=True workers=0", StringComparison.Ordinal), run.Describe());
        // CS8032: an analyzer or generator in the package could not be loaded by the compiler.
        Assert.False(run.StdOut.Contains("CS8032", StringComparison.Ordinal), run.Describe());
        Assert.True(
            File.Exists(Path.Combine(packed.Root, "packages", "fsmv2.toolkit", PackedToolkit.Version, "fsmv2.toolkit.nuspec")),
            "The app should have restored FsmV2.Toolkit into its own packages folder." + Environment.NewLine + run.Describe());
    }
}
