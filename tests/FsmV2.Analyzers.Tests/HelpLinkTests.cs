using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers.Tests;

/// <summary>
/// Every FSMV diagnostic's help link is the README's row of that rule, under the base set once in
/// Directory.Build.props (FsmV2RepositoryUrl), in the generator and the analyzers alike.
/// </summary>
public partial class HelpLinkTests
{
    public static TheoryData<string> Assemblies => ["FsmV2.Analyzers", "FsmV2.Generators", "FsmV2.CodeFixes"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_help_link_is_the_READMEs_row_under_the_repository_url_of_Directory_Build_props(string assembly)
    {
        string props = File.ReadAllText(Repository.PathOf("Directory.Build.props"));
        string repository = RepositoryUrl().Match(props).Groups[1].Value;
        string readme = File.ReadAllText(Repository.PathOf("README.md"));
        Type descriptors = Assembly.Load(assembly).GetType("FsmV2.Analyzers.DiagnosticDescriptors", throwOnError: true)!;

        DiagnosticDescriptor[] all = [.. descriptors.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)];

        Assert.NotEmpty(all);
        Assert.All(all, d =>
        {
            string anchor = "diagnostics-" + d.Id.ToLowerInvariant();
            Assert.Equal($"{repository}/blob/main/README.md#{anchor}", d.HelpLinkUri);
            Assert.Contains($"<a id=\"{anchor}\"></a>", readme, StringComparison.Ordinal);
        });
    }

    [GeneratedRegex("<FsmV2RepositoryUrl [^>]*>([^<]+)<")]
    private static partial Regex RepositoryUrl();
}
