namespace FsmV2.Generators.Tests;

/// <summary>The generated half of representative workers, compared with checked-in snapshots.</summary>
public class SnapshotTests
{
    private static string GenerateSingle(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoErrors();
        return run.SingleSource();
    }

    [Fact]
    public void Pump() => SnapshotAssert.Matches(GenerateSingle(WorkerSources.Pump), nameof(Pump));

    [Fact]
    public void GlobalNamespace() => SnapshotAssert.Matches(GenerateSingle(WorkerSources.GlobalNamespace), nameof(GlobalNamespace));

    [Fact]
    public void NestedInPartialTypes() => SnapshotAssert.Matches(GenerateSingle(WorkerSources.Nested), nameof(NestedInPartialTypes));

    [Fact]
    public void TerminalStateExplicitPhaseAndActionShapes() =>
        SnapshotAssert.Matches(GenerateSingle(WorkerSources.TerminalAndShapes), nameof(TerminalStateExplicitPhaseAndActionShapes));

    [Fact]
    public void ChildOfParent()
    {
        GeneratorRun run = GeneratorHarness.Run(WorkerSources.ChildOf);
        run.AssertNoErrors();
        Assert.Equal(["Sample.Tree.ChildWorker.g.cs", "Sample.Tree.ParentWorker.g.cs"], run.Sources.Keys.Order());
        string child = run.Sources["Sample.Tree.ChildWorker.g.cs"];
        Assert.Contains("global::FsmV2.IChildOf<global::Sample.Tree.ParentWorker>", child, StringComparison.Ordinal);
        Assert.DoesNotContain("IChildOf", run.Sources["Sample.Tree.ParentWorker.g.cs"], StringComparison.Ordinal);
        SnapshotAssert.Matches(child, nameof(ChildOfParent));
    }

    [Fact]
    public void NoActions() => SnapshotAssert.Matches(GenerateSingle(WorkerSources.NoActions), nameof(NoActions));

    [Fact]
    public void ScrubReplacesOnlyTheGeneratorVersionAndLineEndings()
    {
        string scrubbed = SnapshotAssert.Scrub("a\r\n[GeneratedCode(\"FsmV2.Generators\", \"1.2.3-beta.4\")]\r\n[GeneratedCode(\"Other\", \"9.9\")]\n");
        Assert.Equal($"a\n[GeneratedCode(\"FsmV2.Generators\", \"{SnapshotAssert.VersionToken}\")]\n[GeneratedCode(\"Other\", \"9.9\")]\n", scrubbed);
    }

    [Fact]
    public void MissingOrDifferentSnapshotsFailAndWriteReceived()
    {
        Assert.SkipWhen(Environment.GetEnvironmentVariable(SnapshotAssert.AcceptVariable) == "1", "Accepting snapshots: a mismatch is written, not reported.");
        string root = Path.Combine(Path.GetTempPath(), "fsmv2-snapshot-" + Guid.NewGuid().ToString("N"));
        string caller = Path.Combine(root, "FakeTests.cs");
        string received = Path.Combine(root, "Snapshots", "Probe.received.cs");
        try
        {
            Exception missing = Assert.ThrowsAny<Exception>(() => SnapshotAssert.Matches("line 1\nline 2\n", "Probe", caller));
            Assert.Contains("No verified snapshot", missing.Message, StringComparison.Ordinal);
            Assert.Equal("line 1\nline 2\n", File.ReadAllText(received));

            File.Move(received, Path.Combine(root, "Snapshots", "Probe.verified.cs"));
            Exception different = Assert.ThrowsAny<Exception>(() => SnapshotAssert.Matches("line 1\nline two\n", "Probe", caller));
            Assert.Contains("-     2   line 2", different.Message, StringComparison.Ordinal);
            Assert.Contains("+     2   line two", different.Message, StringComparison.Ordinal);
            Assert.Equal("line 1\nline two\n", File.ReadAllText(received));

            SnapshotAssert.Matches("line 1\r\nline 2\r\n", "Probe", caller);
            Assert.False(File.Exists(received), "A match removes the stale received file.");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void DiffNamesTheFirstDifferingLineByNumber()
    {
        string diff = SnapshotAssert.Diff("one\ntwo\nthree\nfour", "one\ntwo\nTHREE\nfour\nfive");
        Assert.Contains("-     3   three", diff, StringComparison.Ordinal);
        Assert.Contains("+     3   THREE", diff, StringComparison.Ordinal);
        Assert.Contains("+     5   five", diff, StringComparison.Ordinal);
        Assert.Contains("(verified has 4 lines, received has 5)", diff, StringComparison.Ordinal);
    }
}
