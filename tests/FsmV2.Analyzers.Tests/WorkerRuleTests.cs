using static FsmV2.Analyzers.Tests.Verify;

namespace FsmV2.Analyzers.Tests;

/// <summary>FSMV012 (retry loop in an action), FSMV014 ([ChildOf] cycle), FSMV018 ([Worker] not on a class).</summary>
public class WorkerRuleTests
{
    private const string Idle = """
            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        """;

    [Fact]
    public Task RetryLoopsInActionsAreReportedOnTheLoopKeyword() => AnalyzerAsync<ActionMethodAnalyzer>(Worker(Idle + """

            [Action]
            async Task Connect(CancellationToken ct)
            {
                {|FSMV012:while|} (true)
                {
                    try
                    {
                        await OpenAsync(ct);
                        return;
                    }
                    catch (System.IO.IOException)
                    {
                    }
                }
            }

            [Action]
            async Task Poll(int desired, CancellationToken ct)
            {
                {|FSMV012:for|} (int attempt = 0; attempt < desired; attempt++)
                {
                    if (await TryAsync(ct))
                    {
                        return;
                    }

                    await Task.Delay(100, ct);
                }
            }

            static Task OpenAsync(CancellationToken ct) => Task.CompletedTask;

            static Task<bool> TryAsync(CancellationToken ct) => Task.FromResult(true);
        """));

    [Fact]
    public Task LoopsThatDoNotRetryAreNotReported() => AnalyzerAsync<ActionMethodAnalyzer>(Worker(Idle + """

            [Action]
            async Task Flush(int desired, CancellationToken ct)
            {
                foreach (int item in Enumerable.Range(0, desired))
                {
                    await SendAsync(item, ct);
                }

                try
                {
                    await SendAsync(-1, ct);
                }
                catch (OperationCanceledException)
                {
                }

                for (int i = 0; i < 3; i++)
                {
                    try { Parse(i); } catch (FormatException) { }
                }
            }

            static Task SendAsync(int item, CancellationToken ct) => Task.CompletedTask;

            static void Parse(int i) { }
        """));

    [Fact]
    public Task ChildOfCyclesAreReportedOnEveryAttributeOfTheCycle() => AnalyzerAsync<WorkerGraphAnalyzer>("""
        namespace Sample;

        [Worker, {|FSMV014:ChildOf(typeof(B))|}]
        public sealed partial class A : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }

        [Worker, {|FSMV014:ChildOf(typeof(A))|}]
        public sealed partial class B : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }

        [Worker, {|#0:ChildOf(typeof(Self))|}]
        public sealed partial class Self : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }
        """,
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.ChildOfCycle).WithLocation(0).WithArguments("Self", "Self → Self"));

    [Fact]
    public Task ChildOfChainsWithoutCyclesAreNotReported() => AnalyzerAsync<WorkerGraphAnalyzer>("""
        namespace Sample;

        [Worker, ChildOf(typeof(Line))]
        public sealed partial class Pump : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }

        [Worker, ChildOf(typeof(Plant))]
        public sealed partial class Line : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }

        [Worker]
        public sealed partial class Plant : IWorker<int, int>
        {
            public ValueTask<int> CollectAsync(int desired, CancellationToken ct) => ValueTask.FromResult(desired);

            [State(Initial = true, Terminal = true)]
            static Next Idle(in Snapshot<int, int> s) => Stay("idle");
        }
        """);

    [Fact]
    public Task WorkerOnARecordIsReportedOnItsName() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker(
        Idle.Replace("Stay(\"idle\")", "default", StringComparison.Ordinal),
        "[Worker]\npublic sealed partial record {|FSMV018:W|} : IWorker<int, int>"));

    [Fact]
    public Task WorkerOnAStructOrInterfaceIsReportedOnItsName() => AnalyzerAsync<WorkerGraphAnalyzer>("""
        namespace Sample;

        [{|CS0592:Worker|}]
        public partial struct {|FSMV018:S|}
        {
        }

        [{|CS0592:Worker|}]
        public partial interface {|FSMV018:I|}
        {
        }
        """);

    [Fact]
    public Task WorkerOnAClassIsNotReported() => AnalyzerAsync<WorkerGraphAnalyzer>(Worker(Idle));
}
