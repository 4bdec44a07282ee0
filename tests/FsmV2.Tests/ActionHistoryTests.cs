namespace FsmV2.Tests;

public class ActionHistoryTests
{
    private static ActionResult Result(int i) => new($"a{i}", ActionOutcome.Succeeded, TimeSpan.FromMilliseconds(i), null, DateTimeOffset.UnixEpoch.AddSeconds(i));

    [Fact]
    public void Keeps_the_most_recent_results_oldest_first()
    {
        ActionHistory history = ActionHistory.Empty;
        for (int i = 0; i < 20; i++)
        {
            history = history.Append(Result(i), length: 3);
        }

        Assert.Equal(["a17", "a18", "a19"], history.Select(r => r.Action));
        Assert.Equal("a19", history[^1].Action);
        Assert.Throws<ArgumentOutOfRangeException>(() => history[3]);
    }

    [Fact]
    public void A_published_window_never_changes_when_later_results_are_appended()
    {
        ActionHistory history = ActionHistory.Empty;
        var windows = new List<(ActionHistory Window, string[] Expected)>();
        for (int i = 0; i < 25; i++) // several times past the buffer (twice the length): the windows span copies
        {
            history = history.Append(Result(i), length: 4);
            windows.Add((history, [.. history.Select(r => r.Action)]));
        }

        foreach ((ActionHistory window, string[] expected) in windows)
        {
            Assert.Equal(expected, window.Select(r => r.Action));
        }

        Assert.Equal(["a0"], windows[0].Expected);
        Assert.Equal(["a21", "a22", "a23", "a24"], windows[^1].Expected);
    }

    [Fact]
    public void A_length_of_one_keeps_only_the_last()
    {
        ActionHistory history = ActionHistory.Empty.Append(Result(1), 1).Append(Result(2), 1).Append(Result(3), 1);

        Assert.Equal("a3", Assert.Single(history).Action);
    }
}
