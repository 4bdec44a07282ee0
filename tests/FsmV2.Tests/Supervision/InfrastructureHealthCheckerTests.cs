using static FsmV2.TestKit.TestClock;

namespace FsmV2.Tests.Supervision;

public sealed class InfrastructureHealthCheckerTests
{
    private sealed class CountingCheck(string name, HealthResult result) : ISanityCheck
    {
        public int Calls { get; private set; }

        public string Name => name;

        public HealthResult Check(DateTimeOffset now)
        {
            Calls++;
            return result;
        }
    }

    private sealed class ThrowingCheck : ISanityCheck
    {
        public string Name => "throws";

        public HealthResult Check(DateTimeOffset now) => throw new InvalidOperationException("observation missing");
    }

    private sealed class LiveChild(string id) : IChildHealth
    {
        public string Id => id;

        public bool Exists => true;

        public bool Healthy { get; set; } = true;

        public CircuitState Circuit { get; set; }
    }

    private static ChildHealth Ok(string id) => new(id, Exists: true, Healthy: true, CircuitState.Closed);

    [Fact]
    public void All_healthy_children_and_checks_are_healthy()
    {
        var check = new CountingCheck("broker-connected", HealthResult.Healthy);
        var checker = new InfrastructureHealthChecker([check]);
        ChildHealth[] children = [Ok("redpanda"), Ok("benthos")];

        Assert.Equal(HealthResult.Healthy, checker.Check<ChildHealth>(children, Start));
        Assert.True(checker.Check((IReadOnlyList<ChildHealth>)children, Start).IsHealthy);
        Assert.Equal(2, check.Calls);
    }

    [Fact]
    public void A_missing_child_is_reported_by_id()
    {
        var checker = new InfrastructureHealthChecker();
        ChildHealth[] children = [Ok("redpanda"), new("benthos", Exists: false, Healthy: false, CircuitState.Closed)];
        HealthResult result = checker.Check<ChildHealth>(children, Start);
        Assert.Equal(HealthFailure.ChildMissing, result.Failure);
        Assert.Equal("benthos", result.ChildId);
        Assert.Equal("child does not exist", result.Reason);
    }

    [Fact]
    public void An_unhealthy_child_is_reported_and_the_first_failure_wins()
    {
        var checker = new InfrastructureHealthChecker();
        ChildHealth[] children =
        [
            Ok("a"),
            new("redpanda", true, Healthy: false, CircuitState.Closed),
            new("benthos", false, false, CircuitState.Open),
        ];
        HealthResult result = checker.Check<ChildHealth>(children, Start);
        Assert.False(result.IsHealthy);
        Assert.Equal(HealthFailure.ChildUnhealthy, result.Failure);
        Assert.Equal("redpanda", result.ChildId);
    }

    [Theory]
    [InlineData(CircuitState.Open, "child's own circuit is open")]
    [InlineData(CircuitState.HalfOpen, "child's own circuit is half-open (probing recovery)")]
    public void A_childs_own_open_circuit_counts_as_unhealthy_even_if_it_reports_healthy(CircuitState circuit, string reason)
    {
        var checker = new InfrastructureHealthChecker();
        ChildHealth[] children = [new("redpanda", true, Healthy: true, circuit)];
        HealthResult result = checker.Check<ChildHealth>(children, Start);
        Assert.Equal(HealthFailure.ChildCircuitOpen, result.Failure);
        Assert.Equal("redpanda", result.ChildId);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public void Sanity_checks_run_after_the_children_and_report_their_name_and_child()
    {
        var healthy = new CountingCheck("disk", HealthResult.Healthy);
        var failing = new CountingCheck("broker-connected", HealthResult.Unhealthy("benthos input has no broker connection", childId: "redpanda"));
        var never = new CountingCheck("never", HealthResult.Healthy);
        var checker = new InfrastructureHealthChecker([healthy, failing, never]);

        HealthResult result = checker.Check<ChildHealth>([Ok("redpanda")], Start);
        Assert.Equal(HealthFailure.SanityCheckFailed, result.Failure);
        Assert.Equal("broker-connected", result.CheckName);
        Assert.Equal("redpanda", result.ChildId);
        Assert.Equal("benthos input has no broker connection", result.Reason);
        Assert.Equal((1, 1, 0), (healthy.Calls, failing.Calls, never.Calls));

        // A failing child stops the check before any sanity check runs.
        checker.Check<ChildHealth>([new("redpanda", false, false, CircuitState.Closed)], Start);
        Assert.Equal(1, healthy.Calls);
    }

    [Fact]
    public void A_throwing_sanity_check_is_a_failed_check_not_a_crash()
    {
        var checker = new InfrastructureHealthChecker([new ThrowingCheck()]);
        HealthResult result = checker.Check<ChildHealth>([], Start);
        Assert.Equal(HealthFailure.SanityCheckFailed, result.Failure);
        Assert.Equal("throws", result.CheckName);
        Assert.IsType<InvalidOperationException>(result.Exception);
    }

    [Fact]
    public void Live_child_objects_are_read_through_the_interface()
    {
        var redpanda = new LiveChild("redpanda");
        IReadOnlyList<IChildHealth> children = [redpanda, new LiveChild("benthos")];
        var checker = new InfrastructureHealthChecker();
        Assert.True(checker.Check(children, Start).IsHealthy);

        redpanda.Circuit = CircuitState.Open;
        Assert.Equal("redpanda", checker.Check(children, Start).ChildId);

        redpanda.Circuit = CircuitState.Closed;
        redpanda.Healthy = false;
        Assert.Equal(HealthFailure.ChildUnhealthy, checker.Check(children, Start).Failure);
    }

    [Fact]
    public void Null_sanity_checks_are_rejected()
    {
        Assert.Throws<ArgumentException>("sanityChecks", () => new InfrastructureHealthChecker([null!]));
        Assert.Throws<ArgumentException>("reason", () => HealthResult.Unhealthy(" "));
    }
}
