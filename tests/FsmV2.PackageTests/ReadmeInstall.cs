using System.Text.RegularExpressions;

namespace FsmV2.PackageTests;

/// <summary>
/// A newcomer following the README's Install section, once for the tests of a class: in an empty temp folder that
/// holds the clone as <c>FsmV2.Toolkit/</c> (a link to this repository), it runs the section's commands as written —
/// <c>build/pack.sh</c>, <c>dotnet new console</c>, the <c>nuget.config</c> shown, <c>dotnet add package</c> and
/// <c>dotnet run</c> — with a package cache of its own (<c>NUGET_PACKAGES</c>). The only thing it adds is the app's
/// code (the consumer app, with the test kit's PumpWorker). Afterwards the folder and the packages of this build
/// are deleted.
/// </summary>
public sealed partial class ReadmeInstall : IAsyncLifetime
{
    /// <summary>The temporary root of this run.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "fsmv2-package-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The isolated package cache every command ran with.</summary>
    public string PackageCache => Path.Combine(Root, "nuget-packages");

    /// <summary>Where <c>build/pack.sh</c> puts the packages by default (the README's nuget.config points there).</summary>
    public static string Feed => Repository.PathOf("artifacts/packages");

    /// <summary>The Install section's code blocks, in order: (language, text).</summary>
    public IReadOnlyList<(string Language, string Text)> Blocks { get; } = InstallBlocks();

    /// <summary>The version <c>build/pack.sh</c> printed.</summary>
    public string Version { get; private set; } = "";

    /// <summary>The packages of this build.</summary>
    public IReadOnlyList<string> Packages { get; private set; } = [];

    /// <summary>The app's folder (where the README's first commands end).</summary>
    public string App { get; private set; } = "";

    /// <summary>The first commands (pack, new console, cd).</summary>
    public ProcessResult? Setup { get; private set; }

    /// <summary>The last commands (add package, run).</summary>
    public ProcessResult? Run { get; private set; }

    public async ValueTask InitializeAsync()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Root);
        Directory.CreateSymbolicLink(Path.Combine(Root, "FsmV2.Toolkit"), Repository.Root);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackageCache };

        // The commands ending in the app's folder; `pwd` tells the test which it is.
        Setup = await DotNet.BashAsync(Root, Block("sh", "build/pack.sh") + "\npwd\n", environment, ct);
        if (Setup.ExitCode != 0)
        {
            throw new InvalidOperationException("The README's pack and new-app commands failed." + Environment.NewLine + Setup.Describe());
        }

        string[] lines = Setup.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        App = lines[^1];
        Version = lines.Last(l => l.StartsWith("version: ", StringComparison.Ordinal))["version: ".Length..];
        Packages = [.. Directory.GetFiles(Feed, $"*.{Version}.nupkg").Order(StringComparer.Ordinal)];

        await File.WriteAllTextAsync(Path.Combine(App, "nuget.config"), Block("xml", "<packageSources>"), ct);
        File.Delete(Path.Combine(App, "Program.cs"));
        foreach (string source in (string[])[.. Directory.GetFiles(Repository.PathOf("tests/FsmV2.PackageTests/ConsumerApp"), "*.cs"), KitFiles.PumpWorker])
        {
            File.Copy(source, Path.Combine(App, Path.GetFileName(source)));
        }

        Run = await DotNet.BashAsync(App, Block("sh", "dotnet run"), environment, ct);
    }

    /// <summary>The install section's block of <paramref name="language"/> that contains <paramref name="marker"/>.</summary>
    public string Block(string language, string marker) =>
        Blocks.Single(b => b.Language == language && b.Text.Contains(marker, StringComparison.Ordinal)).Text;

    public ValueTask DisposeAsync()
    {
        foreach (string file in Version.Length == 0 ? [] : Directory.GetFiles(Feed, $"*.{Version}.*"))
        {
            File.Delete(file);
        }

        try
        {
            string link = Path.Combine(Root, "FsmV2.Toolkit");
            if (Directory.Exists(link))
            {
                Directory.Delete(link); // the link alone, first: the repository behind it stays
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; every run uses a new one.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private static List<(string, string)> InstallBlocks()
    {
        string readme = File.ReadAllText(Repository.PathOf("README.md"));
        int start = readme.IndexOf("\n## Install\n", StringComparison.Ordinal);
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = readme[start..end];
        return [.. CodeBlock().Matches(section).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
    }

    [GeneratedRegex(@"^```(\w+)\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
