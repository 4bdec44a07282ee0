namespace Communicator.Scenario;

/// <summary>Command-line options of the sample.</summary>
internal sealed record ScenarioOptions(bool Quick, bool Forever, Uri? Backend, string? ApiKey)
{
    public const string Usage = """
        Communicator sample: an FsmV2 worker keeping an application in sync with a backend through outages.

        Usage: dotnet run --project samples/Communicator -- [--quick] [--forever] [--backend URL] [--api-key KEY]

          --quick         the same scenario compressed into under 15 s (used by CI)
          --forever       repeat the fault cycle until Ctrl+C, then shut down gracefully and summarise
          --backend URL   use another backend instead of the embedded one (fault steps need its POST /faults)
          --api-key KEY   the API key for --backend (default: $COMMUNICATOR_API_KEY)
        """;

    /// <summary>Parses the arguments; <c>null</c> (after printing why) when they are wrong or help was asked for.</summary>
    public static ScenarioOptions? Parse(string[] args, TextWriter error)
    {
        bool quick = false, forever = false;
        Uri? backend = null;
        string? key = Environment.GetEnvironmentVariable("COMMUNICATOR_API_KEY");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--forever":
                    forever = true;
                    break;
                case "--backend" when i + 1 < args.Length && Uri.TryCreate(args[i + 1], UriKind.Absolute, out Uri? url):
                    backend = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
                    i++;
                    break;
                case "--api-key" when i + 1 < args.Length:
                    key = args[++i];
                    break;
                default:
                    error.WriteLine(args[i] is "-h" or "--help" ? Usage : $"unknown or incomplete argument '{args[i]}'\n\n{Usage}");
                    return null;
            }
        }

        if (backend is not null && string.IsNullOrEmpty(key))
        {
            error.WriteLine("--backend needs an API key: --api-key KEY or $COMMUNICATOR_API_KEY");
            return null;
        }

        return new ScenarioOptions(quick, forever, backend, key);
    }
}
