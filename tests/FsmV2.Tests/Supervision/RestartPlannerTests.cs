using Microsoft.Extensions.Time.Testing;
using static FsmV2.TestKit.TestClock;

namespace FsmV2.Tests.Supervision;

public sealed class RestartPlannerTests
{
    // Started in this order: a (Permanent), b (Transient), c (Temporary), d (Permanent).
    private static SupervisedChild[] Children(string failed, ChildExit exit, params (string Id, ChildExit Exit)[] others)
    {
        SupervisedChild[] children =
        [
            new("a", RestartPolicy.Permanent, ChildExit.Running, 0),
            new("b", RestartPolicy.Transient, ChildExit.Running, 1),
            new("c", RestartPolicy.Temporary, ChildExit.Running, 2),
            new("d", RestartPolicy.Permanent, ChildExit.Running, 3),
        ];
        for (int i = 0; i < children.Length; i++)
        {
            if (children[i].Id == failed)
            {
                children[i] = children[i] with { Exit = exit };
            }

            foreach ((string id, ChildExit otherExit) in others)
            {
                if (children[i].Id == id)
                {
                    children[i] = children[i] with { Exit = otherExit };
                }
            }
        }

        return children;
    }

    private static string Join(IReadOnlyList<string> ids) => string.Join(",", ids);

    [Theory]
    // strategy, failed child, how it ended, expected stop / restart / remove
    [InlineData(RestartStrategy.OneForOne, "a", nameof(ChildExit.Abnormal), "", "a", "")]
    [InlineData(RestartStrategy.OneForOne, "a", nameof(ChildExit.Normal), "", "a", "")]
    [InlineData(RestartStrategy.OneForOne, "b", nameof(ChildExit.Abnormal), "", "b", "")]
    [InlineData(RestartStrategy.OneForOne, "b", nameof(ChildExit.Normal), "", "", "")]
    [InlineData(RestartStrategy.OneForOne, "c", nameof(ChildExit.Abnormal), "", "", "c")]
    [InlineData(RestartStrategy.OneForOne, "c", nameof(ChildExit.Normal), "", "", "c")]
    [InlineData(RestartStrategy.OneForAll, "a", nameof(ChildExit.Abnormal), "d,c,b", "a,b,d", "c")]
    [InlineData(RestartStrategy.OneForAll, "b", nameof(ChildExit.Abnormal), "d,c,a", "a,b,d", "c")]
    [InlineData(RestartStrategy.OneForAll, "b", nameof(ChildExit.Normal), "", "", "")]
    [InlineData(RestartStrategy.OneForAll, "c", nameof(ChildExit.Abnormal), "", "", "c")]
    [InlineData(RestartStrategy.OneForAll, "d", nameof(ChildExit.Normal), "c,b,a", "a,b,d", "c")]
    [InlineData(RestartStrategy.RestForOne, "a", nameof(ChildExit.Abnormal), "d,c,b", "a,b,d", "c")]
    [InlineData(RestartStrategy.RestForOne, "b", nameof(ChildExit.Abnormal), "d,c", "b,d", "c")]
    [InlineData(RestartStrategy.RestForOne, "b", nameof(ChildExit.Normal), "", "", "")]
    [InlineData(RestartStrategy.RestForOne, "c", nameof(ChildExit.Abnormal), "", "", "c")]
    [InlineData(RestartStrategy.RestForOne, "d", nameof(ChildExit.Abnormal), "", "d", "")]
    public void Strategy_and_policy_table(RestartStrategy strategy, string failed, string exitName, string stop, string restart, string remove)
    {
        ChildExit exit = Enum.Parse<ChildExit>(exitName); // the planner is internal: its enum cannot be a public test parameter
        RestartPlan plan = RestartPlanner.Plan(strategy, Children(failed, exit), failed);

        Assert.False(plan.Escalate);
        Assert.Equal(failed, plan.FailedChildId);
        Assert.Equal(strategy, plan.Strategy);
        Assert.Equal(stop, Join(plan.ToStop));
        Assert.Equal(restart, Join(plan.ToRestart));
        Assert.Equal(remove, Join(plan.ToRemove));
        Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
    }

    [Theory]
    [InlineData(RestartStrategy.OneForOne)]
    [InlineData(RestartStrategy.OneForAll)]
    [InlineData(RestartStrategy.RestForOne)]
    public void A_temporary_child_is_never_restarted_even_as_a_bystander(RestartStrategy strategy)
    {
        foreach (string failed in new[] { "a", "b", "c", "d" })
        {
            RestartPlan plan = RestartPlanner.Plan(strategy, Children(failed, ChildExit.Abnormal), failed);
            Assert.DoesNotContain("c", plan.ToRestart);
        }
    }

    [Fact]
    public void Bystanders_that_already_ended_follow_their_own_policy()
    {
        // b (Transient) finished normally before a failed: it stays finished. An abnormally ended b comes back.
        RestartPlan finished = RestartPlanner.Plan(RestartStrategy.OneForAll, Children("a", ChildExit.Abnormal, ("b", ChildExit.Normal)), "a");
        Assert.Equal("d,c", Join(finished.ToStop));
        Assert.Equal("a,d", Join(finished.ToRestart));

        RestartPlan crashed = RestartPlanner.Plan(RestartStrategy.OneForAll, Children("a", ChildExit.Abnormal, ("b", ChildExit.Abnormal)), "a");
        Assert.Equal("d,c", Join(crashed.ToStop));
        Assert.Equal("a,b,d", Join(crashed.ToRestart));

        // An ended Temporary bystander is neither stopped, restarted nor removed again.
        RestartPlan temporaryGone = RestartPlanner.Plan(RestartStrategy.OneForAll, Children("a", ChildExit.Abnormal, ("c", ChildExit.Normal)), "a");
        Assert.Equal("d,b", Join(temporaryGone.ToStop));
        Assert.Equal("", Join(temporaryGone.ToRemove));
    }

    [Fact]
    public void Start_order_not_list_order_decides()
    {
        SupervisedChild[] shuffled = [.. Children("b", ChildExit.Abnormal).Reverse()];
        RestartPlan plan = RestartPlanner.Plan(RestartStrategy.RestForOne, shuffled, "b");
        Assert.Equal("d,c", Join(plan.ToStop));
        Assert.Equal("b,d", Join(plan.ToRestart));
    }

    [Theory]
    [InlineData(RestartPolicy.Permanent, nameof(ChildExit.Normal), true)]
    [InlineData(RestartPolicy.Permanent, nameof(ChildExit.Abnormal), true)]
    [InlineData(RestartPolicy.Permanent, nameof(ChildExit.Running), true)]
    [InlineData(RestartPolicy.Transient, nameof(ChildExit.Normal), false)]
    [InlineData(RestartPolicy.Transient, nameof(ChildExit.Abnormal), true)]
    [InlineData(RestartPolicy.Transient, nameof(ChildExit.Running), true)]
    [InlineData(RestartPolicy.Temporary, nameof(ChildExit.Normal), false)]
    [InlineData(RestartPolicy.Temporary, nameof(ChildExit.Abnormal), false)]
    [InlineData(RestartPolicy.Temporary, nameof(ChildExit.Running), false)]
    public void Policy_table(RestartPolicy policy, string exitName, bool restarts) =>
        Assert.Equal(restarts, policy.ShouldRestart(Enum.Parse<ChildExit>(exitName)));

    [Fact]
    public void Bad_input_is_rejected()
    {
        SupervisedChild[] children = Children("a", ChildExit.Abnormal);
        Assert.Throws<ArgumentException>("failedChildId", () => RestartPlanner.Plan(RestartStrategy.OneForOne, children, "zz"));
        Assert.Throws<ArgumentException>("failedChildId", () => RestartPlanner.Plan(RestartStrategy.OneForOne, children, "b"));
        SupervisedChild[] duplicated = [.. children, new("a", RestartPolicy.Permanent, ChildExit.Running, 9)];
        Assert.Throws<ArgumentException>("children", () => RestartPlanner.Plan(RestartStrategy.OneForOne, duplicated, "a"));
    }

    [Fact]
    public void Exceeding_the_restart_intensity_escalates_instead_of_restarting()
    {
        FakeTimeProvider time = Clock();
        var planner = new RestartPlanner(new RestartIntensityOptions { MaxRestarts = 3, Window = TimeSpan.FromSeconds(60) }, time);
        SupervisedChild[] children = Children("a", ChildExit.Abnormal);

        for (int i = 0; i < 3; i++)
        {
            RestartPlan ok = planner.PlanAndCount(RestartStrategy.OneForOne, children, "a");
            Assert.False(ok.Escalate);
            Assert.Equal("a", Join(ok.ToRestart));
            time.Advance(TimeSpan.FromSeconds(10));
        }

        RestartPlan escalate = planner.PlanAndCount(RestartStrategy.OneForOne, children, "a");
        Assert.True(escalate.Escalate);
        Assert.Empty(escalate.ToRestart);
        Assert.Equal("d,c,b", Join(escalate.ToStop));
        Assert.Contains("intensity", escalate.Reason, StringComparison.Ordinal);
        Assert.Equal(3, planner.Intensity.RestartsInWindow);

        // Once the first restart is a minute old, one more is allowed.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(planner.PlanAndCount(RestartStrategy.OneForOne, children, "a").Escalate);
    }

    [Fact]
    public void Plans_that_restart_nothing_do_not_count_against_the_intensity()
    {
        var planner = new RestartPlanner(new RestartIntensityOptions { MaxRestarts = 1 }, Clock());
        for (int i = 0; i < 5; i++)
        {
            Assert.True(planner.PlanAndCount(RestartStrategy.OneForAll, Children("c", ChildExit.Abnormal), "c").ToRemove.Count == 1);
            Assert.True(planner.PlanAndCount(RestartStrategy.OneForAll, Children("b", ChildExit.Normal), "b").IsNoOp);
        }

        Assert.False(planner.PlanAndCount(RestartStrategy.OneForAll, Children("a", ChildExit.Abnormal), "a").Escalate);
        Assert.True(planner.PlanAndCount(RestartStrategy.OneForAll, Children("a", ChildExit.Abnormal), "a").Escalate);
    }

    [Fact]
    public void Zero_max_restarts_escalates_the_first_failure()
    {
        var planner = new RestartPlanner(new RestartIntensityOptions { MaxRestarts = 0 }, Clock());
        Assert.True(planner.PlanAndCount(RestartStrategy.OneForOne, Children("a", ChildExit.Abnormal), "a").Escalate);
    }

    [Fact]
    public void Intensity_tracker_counts_restarts_in_a_sliding_window()
    {
        FakeTimeProvider time = Clock();
        var tracker = new RestartIntensityTracker(new RestartIntensityOptions { MaxRestarts = 2, Window = TimeSpan.FromSeconds(5) }, time);
        Assert.True(tracker.TryRecordRestart());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(tracker.TryRecordRestart());
        Assert.False(tracker.TryRecordRestart());
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(tracker.TryRecordRestart());
        tracker.Reset();
        Assert.Equal(0, tracker.RestartsInWindow);
    }
}
