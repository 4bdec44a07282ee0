using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using static FsmV2.TestKit.TestClock;
using static FsmV2.Tests.Supervision.SupervisionTestKit;

namespace FsmV2.Tests.Supervision;

public sealed partial class OperatorMessagesTests
{
    private readonly FakeTimeProvider _time = Clock();

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void Heartbeat_limiter_emits_at_most_once_per_interval()
    {
        var limiter = new HeartbeatLimiter(timeProvider: _time);
        var emitted = new List<double>();
        for (int tick = 0; tick <= 250; tick++)
        {
            if (limiter.ShouldEmit())
            {
                emitted.Add((Now - Start).TotalSeconds);
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal([0, 10, 20], emitted);

        limiter.Reset();
        Assert.True(limiter.ShouldEmit());
        Assert.False(limiter.ShouldEmit());
    }

    [Fact]
    public void Heartbeat_fields_follow_an_outage_to_escalation()
    {
        var breaker = new CircuitBreaker("redpanda", Options(), _time, new FixedRandom(0.5));
        Assert.Equal(RecoveryStatus.Healthy, OperatorMessages.StatusOf(breaker.Statistics));

        breaker.RecordFailure("redpanda unreachable");
        var seen = new List<(int, RecoveryStatus)>();
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            HeartbeatFields fields = OperatorMessages.Heartbeat("redpanda", ErrorScope.Infrastructure, breaker.Statistics, Now);
            Assert.Equal("redpanda", fields.Name);
            Assert.Equal(ErrorScope.Infrastructure, fields.Scope);
            Assert.Equal(5, fields.MaxAttempts);
            Assert.Equal(breaker.Statistics.NextProbeAt!.Value - Now, fields.NextRetryIn);
            Assert.Equal(Now - Start, fields.Downtime);
            Assert.Equal("redpanda unreachable", fields.LastFailureReason);
            seen.Add((fields.Attempt, fields.Status));

            _time.Advance(fields.NextRetryIn);
            Assert.True(breaker.AllowsWork(Now));
            breaker.RecordFailure("redpanda unreachable");
        }

        Assert.Equal(
            [
                (1, RecoveryStatus.AttemptingRecovery),
                (2, RecoveryStatus.AttemptingRecovery),
                (3, RecoveryStatus.PersistentFailure),
                (4, RecoveryStatus.EscalationImminent),
                (5, RecoveryStatus.Escalated),
            ],
            seen);

        breaker.Isolate();
        Assert.Equal(RecoveryStatus.Isolated, OperatorMessages.StatusOf(breaker.Statistics));
    }

    [Fact]
    public void Pre_escalation_and_escalation_each_fire_once_per_outage()
    {
        var breaker = new CircuitBreaker("redpanda", Options(), _time, new FixedRandom(0.5));
        var warnings = new List<int>();
        var escalations = new List<int>();
        breaker.StateChanged += (_, change) =>
        {
            if (OperatorMessages.IsPreEscalation(change, breaker.Options.MaxAttempts))
            {
                warnings.Add(change.Attempt);
            }

            if (OperatorMessages.IsEscalation(change, breaker.Options.MaxAttempts))
            {
                escalations.Add(change.Attempt);
            }
        };

        breaker.RecordFailure("down");
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(i == 3, OperatorMessages.TryPreEscalationWarning("redpanda", ErrorScope.Infrastructure, breaker.Statistics, Now, out PreEscalationWarning warning));
            if (i == 3)
            {
                Assert.Equal(4, warning.Attempt);
                Assert.Equal(1, warning.AttemptsRemaining);
                Assert.Equal(TimeSpan.FromSeconds(8), warning.NextRetryIn);
                Assert.Equal(TimeSpan.FromSeconds(7), warning.Downtime);
                Assert.Equal(RunbookSections.Escalation, warning.RunbookSection);
            }

            _time.Advance(breaker.Statistics.CurrentDelay);
            breaker.AllowsWork(Now);
            breaker.RecordFailure("down");
        }

        Assert.Equal([4], warnings);
        Assert.Equal([5], escalations);
    }

    [Theory]
    [InlineData(ErrorScope.Infrastructure)]
    [InlineData(ErrorScope.Worker)]
    public void Escalation_message_carries_facts_runbook_and_steps(ErrorScope scope)
    {
        var breaker = new CircuitBreaker("redpanda", Options(maxAttempts: 2), _time, new FixedRandom(0.5));
        breaker.RecordFailure("connection refused");
        _time.Advance(TimeSpan.FromSeconds(1));
        breaker.AllowsWork(Now);
        breaker.RecordFailure("connection refused");
        _time.Advance(TimeSpan.FromSeconds(1));

        EscalationMessage message = OperatorMessages.Escalation("redpanda", scope, breaker.Statistics, Now);
        Assert.Equal("redpanda", message.Name);
        Assert.Equal(scope, message.Scope);
        Assert.Equal(2, message.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(2), message.Downtime);
        Assert.Equal("connection refused", message.LastFailureReason);
        Assert.Equal("docs/runbook.md#escalation", message.RunbookSection);
        Assert.True(message.Steps.Count >= 3);

        string text = message.ToString();
        Assert.StartsWith("ESCALATION REQUIRED: " + scope + " failure of 'redpanda' after 2 attempt(s)", text, StringComparison.Ordinal);
        Assert.Contains("Runbook: docs/runbook.md#escalation", text, StringComparison.Ordinal);
        Assert.Contains("1) " + message.Steps[0], text, StringComparison.Ordinal);
        Assert.IsNotType<string[]>(message.Steps);
    }

    [Fact]
    public void Every_runbook_section_exists_in_docs_runbook()
    {
        string runbook = File.ReadAllText(Repository.PathOf("docs/runbook.md"));
        var anchors = Heading().Matches(runbook)
            .Select(m => Slug(m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        foreach (string section in new[] { RunbookSections.CircuitOpen, RunbookSections.CircuitStuckOpen, RunbookSections.RepeatedWorkerFaults, RunbookSections.Escalation })
        {
            Assert.StartsWith("docs/runbook.md#", section, StringComparison.Ordinal);
            Assert.Contains(section["docs/runbook.md#".Length..], anchors);
        }
    }

    // GitHub's anchor for a heading: lower case, punctuation other than '-' dropped, spaces to '-'.
    private static string Slug(string heading) =>
        new string([.. heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-')]).Replace(' ', '-');

    [GeneratedRegex(@"^#{2,3} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
