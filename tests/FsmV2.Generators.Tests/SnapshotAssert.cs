using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace FsmV2.Generators.Tests;

/// <summary>
/// Compares generated source with a checked-in <c>Snapshots/&lt;name&gt;.verified.cs</c> beside the calling test.
/// Line endings are normalised and the generator version in <c>GeneratedCode(...)</c> is scrubbed; everything
/// else must match exactly. A mismatch (or a missing verified file) writes <c>&lt;name&gt;.received.cs</c> and
/// fails with the first differing lines. Accepting is deliberate: only with <c>FSMV2_ACCEPT_SNAPSHOTS=1</c> in
/// the environment is the verified file overwritten.
/// </summary>
internal static partial class SnapshotAssert
{
    public const string AcceptVariable = "FSMV2_ACCEPT_SNAPSHOTS";
    public const string VersionToken = "{generator-version}";
    private const int ContextLines = 3;
    private const int MaxReportedDifferences = 5;

    [GeneratedRegex("""GeneratedCode\("FsmV2\.Generators", "[^"]*"\)""")]
    private static partial Regex GeneratedCodeVersion();

    /// <summary>Normalises line endings and replaces the generator version with <see cref="VersionToken"/>.</summary>
    public static string Scrub(string source) =>
        GeneratedCodeVersion().Replace(
            source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'),
            $"GeneratedCode(\"FsmV2.Generators\", \"{VersionToken}\")");

    public static void Matches(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        string received = Scrub(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, received, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(verifiedPath))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(receivedPath, received, new UTF8Encoding(false));
            Assert.Fail($"No verified snapshot at {verifiedPath}. The output was written to {receivedPath}; " +
                        $"review it and run the tests with {AcceptVariable}=1 to accept it.");
        }

        string verified = Scrub(File.ReadAllText(verifiedPath));
        if (string.Equals(verified, received, StringComparison.Ordinal))
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received, new UTF8Encoding(false));
        Assert.Fail($"Generated source differs from {verifiedPath} (received output written to {receivedPath}; " +
                    $"run with {AcceptVariable}=1 to accept it).\n" + Diff(verified, received));
    }

    /// <summary>The first few differing lines, each with its 1-based line number and some context.</summary>
    public static string Diff(string expected, string actual)
    {
        string[] left = expected.Split('\n');
        string[] right = actual.Split('\n');
        var report = new StringBuilder();
        int reported = 0;
        int lastShown = -1;
        int count = Math.Max(left.Length, right.Length);
        for (int i = 0; i < count && reported < MaxReportedDifferences; i++)
        {
            string? l = i < left.Length ? left[i] : null;
            string? r = i < right.Length ? right[i] : null;
            if (l == r)
            {
                continue;
            }

            reported++;
            for (int c = Math.Max(lastShown + 1, i - ContextLines); c < i; c++)
            {
                report.Append($"  {c + 1,5}   {left[c]}\n");
            }

            report.Append($"- {i + 1,5}   {l ?? "<end of file>"}\n");
            report.Append($"+ {i + 1,5}   {r ?? "<end of file>"}\n");
            lastShown = i;
        }

        if (left.Length != right.Length)
        {
            report.Append($"(verified has {left.Length} lines, received has {right.Length})\n");
        }

        return report.ToString();
    }
}
