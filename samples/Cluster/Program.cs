using System.Runtime.InteropServices;
using ClusterSample;

// The cluster sample. Without `silo N` this process is the launcher and the client: it starts the silo processes
// (this executable again), adds the workers, kills one silo and shows its workers moving to the others.
SampleOptions? options = SampleOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(a => a is "-h" or "--help") ? 0 : 2;
}

if (options.Silo is not null)
{
    return await SiloMain.RunAsync(options);
}

using var cancel = new CancellationTokenSource(options.Timeout);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // end through the finally below, which kills the silos
    cancel.Cancel();
};
using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
{
    c.Cancel = true;
    cancel.Cancel();
});

await using var launcher = new Launcher(options, Console.Out);
launcher.KillSilosOnExit();
try
{
    return await launcher.RunAsync(cancel.Token);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine($"error: stopped (Ctrl+C, SIGTERM or the {options.Timeout.TotalSeconds:0} s timeout); every silo process is killed.");
    return 1;
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
catch (Exception ex) when (ex is OrleansException or TimeoutException)
{
    Console.Error.WriteLine($"error: the cluster did not answer: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
