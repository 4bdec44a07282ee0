namespace FsmV2.Tests;

public class ActionHistoryTests
{
    private static ActionResult Result(int i) => new($"a{i}", ActionOutcome.Succeeded, TimeSpan.FromMilliseconds(i), null, DateTimeOffset.UnixEpoch.AddSeconds(i));

    [Fact]
    public void Keeps_the_most_recent_results_oldest_first()
    {
        var history = new ActionHistory(3);
        Assert.Empty(history.Current);
        Assert.Null(history.Latest);
        for (int i = 0; i < 20; i++)
        {
            history.Append(Result(i));
        }

        IReadOnlyList<ActionResult> window = history.Current;
        Assert.Equal(["a17", "a18", "a19"], window.Select(r => r.Action));
        Assert.Equal("a19", window[^1].Action);
        Assert.Same(window[^1], history.Latest);
        Assert.Same(window, history.Current); // built once while it is the latest
        Assert.Equal(20, history.Total);
    }

    [Fact]
    public void A_window_never_changes_and_a_past_one_is_rebuilt_while_the_ring_holds_it()
    {
        var history = new ActionHistory(4);
        var windows = new List<(IReadOnlyList<ActionResult> Window, string[] Expected)>();
        for (int i = 0; i < 25; i++) // several times round the ring (twice the length)
        {
            history.Append(Result(i));
            windows.Add((history.Current, [.. history.Current.Select(r => r.Action)]));
        }

        foreach ((IReadOnlyList<ActionResult> window, string[] expected) in windows)
        {
            Assert.Equal(expected, window.Select(r => r.Action));
        }

        Assert.Equal(["a0"], windows[0].Expected);
        Assert.Equal(["a21", "a22", "a23", "a24"], windows[^1].Expected);

        // A snapshot's window, asked for after later results: whole while fewer than the length ended since, then only what is left.
        Assert.Equal(["a18", "a19", "a20", "a21"], history.Window(22).Select(r => r.Action));
        Assert.Equal(["a18", "a19", "a20"], history.Window(21).Select(r => r.Action)); // 4 later: its oldest is gone
        Assert.Equal("a20", history.At(21)?.Action);
        Assert.Equal(["a18", "a19"], history.Window(20).Select(r => r.Action)); // a16 and a17 overwritten since
        Assert.Null(history.At(10));
    }

    [Fact]
    public void A_length_of_one_keeps_only_the_last()
    {
        var history = new ActionHistory(1);
        history.Append(Result(1));
        history.Append(Result(2));
        history.Append(Result(3));

        Assert.Equal("a3", Assert.Single(history.Current).Action);
    }

    [Fact]
    public void A_snapshot_built_by_the_supervisor_reads_the_window_of_its_decision()
    {
        var history = new ActionHistory(2);
        history.Append(Result(1));
        var snapshot = new Snapshot<int, int>(new WorkerIdentity("w", "T"), 0, 0, default, default, false, null, history);
        history.Append(Result(2));
        history.Append(Result(3));

        Assert.Equal(["a1"], snapshot.RecentActions.Select(r => r.Action));
        Assert.Equal("a1", snapshot.LastAction?.Action);
    }
}
