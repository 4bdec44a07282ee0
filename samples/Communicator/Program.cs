using Communicator.Scenario;

// The Communicator sample: an FsmV2 worker keeping an application in sync with a backend through a scripted run of
// outages, slowness, rate limiting and a token expiry, then a graceful shutdown. Exit code 0 when every check passed.
ScenarioOptions? options = ScenarioOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(a => a is "-h" or "--help") ? 0 : 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // shut down gracefully instead
    cancel.Cancel();
};

var runner = new ScenarioRunner(options, Console.Out);
return await runner.RunAsync(cancel.Token);
