using Microsoft.CodeAnalysis;

namespace FsmV2.Analyzers.Tests;

/// <summary>A worker missing <c>partial</c> gets FSMV015 and nothing else: no name errors cascade from its state bodies.</summary>
public class NotPartialTests
{
    private static readonly string Pump = File.ReadAllText(KitFiles.PumpWorker);

    private static async Task<Diagnostic[]> Reported(string source)
    {
        AnalysisResult result = await AnalysisHarness.RunAsync([("PumpWorker.cs", source)], TestContext.Current.CancellationToken);
        Assert.Empty(result.AnalyzerExceptions);
        return result.All.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
    }

    [Fact]
    public async Task ThePumpWorkerWithPartialIsClean() => Assert.Empty(await Reported(Pump));

    [Fact]
    public async Task ThePumpWorkerWithoutPartialReportsFsmv015Alone()
    {
        string source = Pump.Replace("public sealed partial class PumpWorker", "public sealed class PumpWorker", StringComparison.Ordinal);
        Assert.NotEqual(Pump, source);

        Diagnostic reported = Assert.Single(await Reported(source));

        Assert.Equal("FSMV015", reported.Id);
        Assert.Equal("PumpWorker", source.Substring(reported.Location.SourceSpan.Start, reported.Location.SourceSpan.Length));
    }

    [Fact]
    public async Task AContainingTypeWithoutPartialReportsFsmv015Alone()
    {
        string source = Pump
            .Replace("[Worker]", "public static class Pumps\n{\n[Worker]", StringComparison.Ordinal)
            .TrimEnd() + "\n}\n";

        Diagnostic reported = Assert.Single(await Reported(source));

        Assert.Equal("FSMV015", reported.Id);
    }
}
