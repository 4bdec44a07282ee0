using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FsmV2.PackageTests;

/// <summary>
/// The packages as a user gets them, following only the README's Install section (<see cref="ReadmeInstall"/>):
/// a console app built from its commands runs the pump, plainly and hosted; every package carries its metadata, a
/// readme whose links work outside the repository, and symbols. Slow (a pack, restores, a build).
/// </summary>
public sealed partial class PackageTests(ReadmeInstall install) : IClassFixture<ReadmeInstall>
{
    /// <summary>The repository's URL as Directory.Build.props sets it (build/pack.sh passes no origin in this clone unless it has one).</summary>
    private static string RepositoryUrl =>
        OriginUrl() ?? Regex.Match(File.ReadAllText(Repository.PathOf("Directory.Build.props")), "<FsmV2RepositoryUrl [^>]*>([^<]+)<").Groups[1].Value;

    [Fact]
    public void A_console_app_made_with_only_the_README_commands_runs_the_pump_plainly_and_hosted()
    {
        ProcessResult run = install.Run!;
        TestContext.Current.TestOutputHelper?.WriteLine(install.Setup!.Describe() + Environment.NewLine + run.Describe());

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(run.StdOut.Contains("Stopped --> Starting", StringComparison.Ordinal), run.Describe());
        Assert.True(run.StdOut.Contains("RESULT state=Running", StringComparison.Ordinal), run.Describe());
        Assert.True(run.StdOut.Contains("SHUTDOWN removed=True workers=0", StringComparison.Ordinal), run.Describe());
        // AddWorker<PumpWorker>(id, spec): the registration overload the package's generator emitted for the app.
        Assert.True(run.StdOut.Contains("HOSTED state=Running", StringComparison.Ordinal), run.Describe());
        // CS8032: an analyzer or generator in the package could not be loaded by the compiler.
        Assert.False(run.StdOut.Contains("CS8032", StringComparison.Ordinal), run.Describe());
        // This build's packages, restored into the app's own cache (never an older build from ~/.nuget/packages).
        foreach (string id in (string[])["fsmv2.toolkit", "fsmv2.toolkit.hosting"])
        {
            Assert.True(
                File.Exists(Path.Combine(install.PackageCache, id, install.Version, $"{id}.nuspec")),
                $"{id} {install.Version} was not restored into {install.PackageCache}.{Environment.NewLine}{run.Describe()}");
        }
    }

    [Fact]
    public void The_version_is_a_prerelease_unique_to_the_build_and_every_packable_project_is_packed()
    {
        Assert.Matches(@"^0\.1\.0-local\.\d{14}\.[0-9a-f]{8}$", install.Version);
        string[] packable = [.. Directory.GetFiles(Repository.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => Regex.IsMatch(File.ReadAllText(p), @"<IsPackable>\s*true\s*</IsPackable>"))];
        Assert.Equal(packable.Length, install.Packages.Count);
        Assert.All(install.Packages, p => Assert.True(File.Exists(Path.ChangeExtension(p, ".snupkg")), $"{p} has no .snupkg beside it"));
    }

    [Fact]
    public void The_Install_section_has_one_command_for_each_package_and_names_no_other()
    {
        string[] commands = [.. Regex.Matches(install.Blocks[0].Text, @"^dotnet add package (\S+)\s", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];

        Assert.Equal(install.Packages.Select(Id).Order(StringComparer.Ordinal), commands.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_package_has_repository_project_licence_icon_readme_and_release_notes()
    {
        string commit = Git("rev-parse", "HEAD");
        foreach (string package in install.Packages)
        {
            using ZipArchive zip = ZipFile.OpenRead(package);
            XElement metadata = Nuspec(zip);
            string what = $"{Path.GetFileName(package)}: ";

            Assert.Equal(RepositoryUrl, metadata.Element(metadata.Name.Namespace + "projectUrl")?.Value);
            XElement? repository = metadata.Element(metadata.Name.Namespace + "repository");
            Assert.True(repository is not null, what + "no <repository>");
            Assert.Equal(("git", RepositoryUrl, commit), ((string?)repository.Attribute("type"), (string?)repository.Attribute("url"), (string?)repository.Attribute("commit")));
            Assert.Equal("MIT", metadata.Element(metadata.Name.Namespace + "license")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(metadata.Name.Namespace + "releaseNotes")?.Value), what + "no release notes");
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(metadata.Name.Namespace + "description")?.Value), what + "no description");

            Assert.Equal("icon.png", metadata.Element(metadata.Name.Namespace + "icon")?.Value);
            byte[] icon = Read(zip, "icon.png");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], icon[..4]);

            Assert.Equal("README.md", metadata.Element(metadata.Name.Namespace + "readme")?.Value);
            string readme = System.Text.Encoding.UTF8.GetString(Read(zip, "README.md"));
            Assert.Contains($"# {Id(package)}", readme, StringComparison.Ordinal);
            string[] links = [.. MarkdownLink().Matches(readme).Select(m => m.Groups[1].Value)];
            Assert.NotEmpty(links);
            Assert.All(links, link => Assert.True(link.StartsWith("https://", StringComparison.Ordinal), $"{what}relative link in its readme: {link}"));
        }
    }

    [Fact]
    public void Every_package_has_symbols_for_each_of_its_assemblies()
    {
        foreach (string package in install.Packages)
        {
            using ZipArchive zip = ZipFile.OpenRead(package);
            using ZipArchive symbols = ZipFile.OpenRead(Path.ChangeExtension(package, ".snupkg"));
            string[] dlls = [.. zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal))];
            Assert.NotEmpty(dlls);
            foreach (string dll in dlls)
            {
                string pdb = Path.ChangeExtension(dll, ".pdb");
                ZipArchiveEntry? entry = symbols.GetEntry(pdb);
                Assert.True(entry is not null, $"{Path.GetFileName(package)}: {pdb} is not in its .snupkg");
                if (OriginUrl() is not null)
                {
                    // SourceLink maps the PDB's documents to the commit's sources on the origin's host (only a clone with a remote has one).
                    using var stream = new MemoryStream();
                    entry.Open().CopyTo(stream);
                    Assert.Contains(Git("rev-parse", "HEAD"), System.Text.Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void The_toolkit_package_holds_the_runtime_the_generator_the_analyzers_and_its_dependencies()
    {
        string package = install.Packages.Single(p => Id(p) == "FsmV2.Toolkit");
        using ZipArchive zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("lib/net10.0/FsmV2.dll", entries);
        Assert.Contains("lib/net10.0/FsmV2.xml", entries);
        Assert.Contains("analyzers/dotnet/cs/FsmV2.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/FsmV2.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/FsmV2.CodeFixes.dll", entries);

        var dependencies = Nuspec(zip).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
        // Fluid.Core renders templates; TimeZoneConverter is pinned above Fluid.Core's own lower bound (see Directory.Packages.props).
        Assert.Equal(["Fluid.Core", "Microsoft.Extensions.Logging.Abstractions", "TimeZoneConverter"], dependencies.Order(StringComparer.Ordinal));
    }

    private string Id(string package) => Path.GetFileName(package)[..^$".{install.Version}.nupkg".Length];

    private static XElement Nuspec(ZipArchive zip)
    {
        ZipArchiveEntry nuspec = Assert.Single(zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        XElement root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        ZipArchiveEntry? entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"{name} is not in the package");
        using var stream = new MemoryStream();
        entry.Open().CopyTo(stream);
        return stream.ToArray();
    }

    private static string? OriginUrl()
    {
        // As build/pack.sh: only an origin with a web address (https, or git@host: made https) is the packages' repository.
        string url = Git("remote", "get-url", "origin", "--all");
        string web = url.Length == 0 ? "" : Regex.Replace(Regex.Replace(url.Split('\n')[0], "^git@([^:]+):", "https://$1/"), @"\.git$", "");
        return web.StartsWith("https://", StringComparison.Ordinal) || web.StartsWith("http://", StringComparison.Ordinal) ? web : null;
    }

    private static string Git(params string[] args)
    {
        ProcessResult git = ChildProcess.RunAsync("git", Repository.Root, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken, args).GetAwaiter().GetResult();
        return git.ExitCode == 0 ? git.StdOut.Trim() : "";
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
