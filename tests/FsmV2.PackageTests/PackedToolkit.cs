namespace FsmV2.PackageTests;

/// <summary>
/// Packs <c>src/FsmV2</c> once for the tests of a class into a fresh folder under the system temp directory, which
/// then serves as a local package source. The folder is deleted afterwards.
/// </summary>
public sealed class PackedToolkit : IAsyncLifetime
{
    public const string PackageId = "FsmV2.Toolkit";
    public const string Version = "0.1.0";

    /// <summary>The temporary root of this run: <c>feed/</c>, and whatever the tests create next to it.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "fsmv2-package-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The folder holding the packed package, used as a package source.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The packed package.</summary>
    public string Package => Path.Combine(Feed, $"{PackageId}.{Version}.nupkg");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        ProcessResult pack = await DotNet.RunAsync(
            Repository.Root,
            TestContext.Current.CancellationToken,
            "pack", Repository.PathOf("src/FsmV2/FsmV2.csproj"), "-c", "Release", "-o", Feed, "--disable-build-servers");
        if (pack.ExitCode != 0 || !File.Exists(Package))
        {
            throw new InvalidOperationException($"Packing FsmV2.Toolkit failed; expected {Package}.{Environment.NewLine}{pack.Describe()}");
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
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
}
