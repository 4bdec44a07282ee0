using System.Text.Json;
using System.Text.RegularExpressions;

namespace FsmV2.Communicator.Tests;

/// <summary>
/// The operations files under <c>deploy/</c>: the Grafana dashboard and the alert rules query only metrics the
/// runtime exports (names derived from the instruments it publishes, see <see cref="PrometheusNames"/>), every
/// alert links to a runbook section that exists, and the rules pass <c>promtool check rules</c> and their unit
/// tests (<c>promtool test rules</c>). Without <c>promtool</c> on PATH the promtool test fails and says so.
/// </summary>
public partial class OperationsFilesTests
{
    private static string RepoFile(string relative)
    {
        string path = Repository.PathOf(relative);
        Assert.True(File.Exists(path), $"{relative} not found at {path}");
        return path;
    }

    [GeneratedRegex(@"\bfsmv2_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^\s*expr:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex AlertExpr();

    [GeneratedRegex(@"^\s*runbook_url:\s*""?([^""\s]+)""?\s*$", RegexOptions.Multiline)]
    private static partial Regex RunbookUrl();

    [GeneratedRegex(@"^\s*- alert:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertName();

    [Fact]
    public void Every_dashboard_query_uses_only_exported_metric_names()
    {
        using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(RepoFile("deploy/grafana/fsmv2-dashboard.json")));
        JsonElement root = dashboard.RootElement;
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));

        List<(string Where, string Expr)> queries = [];
        foreach (JsonElement panel in root.GetProperty("panels").EnumerateArray())
        {
            string title = panel.GetProperty("title").GetString()!;
            JsonElement[] targets = [.. panel.GetProperty("targets").EnumerateArray()];
            Assert.True(targets.Length > 0, $"panel '{title}' has no query");
            queries.AddRange(targets.Select(t => ($"panel '{title}'", t.GetProperty("expr").GetString()!)));
        }

        foreach (JsonElement variable in root.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() == "query")
            {
                queries.Add(($"variable '{variable.GetProperty("name").GetString()}'", variable.GetProperty("query").GetString()!));
            }
        }

        Assert.NotEmpty(queries);
        List<string> problems = [];
        foreach ((string where, string expr) in queries)
        {
            string[] used = [.. MetricName().Matches(expr).Select(m => m.Value)];
            if (used.Length == 0)
            {
                problems.Add($"{where}: queries no fsmv2 metric: {expr}");
            }

            problems.AddRange(used.Where(n => !PrometheusNames.Series.Contains(n)).Select(n => $"{where}: unknown metric {n} in {expr}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems) + $"\nknown: {string.Join(", ", PrometheusNames.Series.Order(StringComparer.Ordinal))}");

        // The panels the runbook and alerts refer to.
        string all = string.Join("\n", queries.Select(q => q.Expr));
        Assert.Contains("histogram_quantile(0.95, sum by (le, worker_type) (rate(fsmv2_action_execution_duration_seconds_bucket", all, StringComparison.Ordinal);
        foreach (string name in new[] { "fsmv2_circuit_open", "fsmv2_infrastructure_recovery_total", "fsmv2_action_queue_depth", "fsmv2_state_transitions_total", "fsmv2_escalations_total" })
        {
            Assert.Contains(name, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_alert_uses_exported_metrics_and_links_to_a_runbook_section_that_exists()
    {
        string rules = File.ReadAllText(RepoFile("deploy/prometheus/fsmv2-alerts.yml"));
        string[] alerts = [.. AlertName().Matches(rules).Select(m => m.Groups[1].Value)];
        Assert.Equal(["FsmV2CircuitStuckOpen", "FsmV2FrequentInfrastructureFailures", "FsmV2EscalationTriggered"], alerts);

        string[] exprs = [.. AlertExpr().Matches(rules).Select(m => m.Groups[1].Value)];
        Assert.Equal(alerts.Length, exprs.Length);
        foreach (string expr in exprs)
        {
            string[] used = [.. MetricName().Matches(expr).Select(m => m.Value)];
            Assert.NotEmpty(used);
            Assert.All(used, n => Assert.Contains(n, PrometheusNames.Series));
        }

        HashSet<string> anchors = [.. File.ReadAllLines(RepoFile("docs/runbook.md")).Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => Slug(l[3..]))];
        string[] urls = [.. RunbookUrl().Matches(rules).Select(m => m.Groups[1].Value)];
        Assert.Equal(alerts.Length, urls.Length);
        foreach (string url in urls)
        {
            Assert.StartsWith("docs/runbook.md#", url, StringComparison.Ordinal);
            string anchor = url["docs/runbook.md#".Length..];
            Assert.True(anchors.Contains(anchor), $"{url}: docs/runbook.md has no section #{anchor}; sections: {string.Join(", ", anchors)}");
        }
    }

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        string? promtool = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
        Assert.True(promtool is not null, "promtool is missing: it is not on PATH, so the alert rules cannot be checked. Install it (Debian: apt-get install -y prometheus; .ci/run does this) and run the tests again.");

        string dir = Path.GetDirectoryName(RepoFile("deploy/prometheus/fsmv2-alerts.yml"))!;
        (int checkCode, string checkOut) = await RunAsync(promtool, dir, "check", "rules", "fsmv2-alerts.yml");
        Assert.True(checkCode == 0, "promtool check rules failed:\n" + checkOut);
        Assert.Contains("SUCCESS: 3 rules found", checkOut, StringComparison.Ordinal);

        (int testCode, string testOut) = await RunAsync(promtool, dir, "test", "rules", "fsmv2-alerts.test.yml");
        Assert.True(testCode == 0, "promtool test rules failed:\n" + testOut);
        Assert.Contains("SUCCESS", testOut, StringComparison.Ordinal);
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Slug(string heading) =>
        new string([.. heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')]).Replace(' ', '-');

    private static async Task<(int Code, string Output)> RunAsync(string exe, string workingDirectory, params string[] args)
    {
        ProcessResult result = await ChildProcess.RunAsync(exe, workingDirectory, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken, args);
        return (result.ExitCode, result.StdOut + result.StdErr);
    }
}
