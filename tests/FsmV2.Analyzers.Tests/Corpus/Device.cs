namespace Corpus;

/// <summary>What the corpus workers' actions talk to.</summary>
public static class Device
{
    public static Task ResetAsync(CancellationToken ct) => Task.CompletedTask;

    public static async Task RetryAsync(Func<CancellationToken, Task> attempt, CancellationToken ct)
    {
        for (int i = 0; i < 5; i++)
        {
            try
            {
                await attempt(ct);
                return;
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    public static async Task BackOffAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await ResetAsync(ct);
            await Task.Delay(100, ct);
        }
    }
}
