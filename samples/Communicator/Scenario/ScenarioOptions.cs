namespace Communicator.Scenario;

/// <summary>Command-line options of the sample.</summary>
internal sealed record ScenarioOptions(bool Quick, bool Forever, Uri? Backend, string? ApiKey, string? Store = null)
{
    public const string Usage = """
        Communicator sample: an FsmV2 worker keeping an application in sync with a backend through outages.

        Usage: dotnet run --project samples/Communicator -- [--quick] [--forever] [--backend URL] [--api-key KEY] [--store FILE]

          --quick         the same scenario compressed into under 15 s (used by CI)
          --forever       repeat the fault cycle until Ctrl+C, then shut down gracefully and summarise
          --backend URL   use another backend instead of the embedded one (fault steps need its POST /faults)
          --api-key KEY   the API key for --backend (default: $COMMUNICATOR_API_KEY)
          --store FILE    keep the supervisor's workers in SQLite file FILE: a run stopped mid-outage resumes in
                          Degraded with its failure streak (the API key is not written to the file)
        """;

    /// <summary>Parses the arguments; <c>null</c> (after printing why) when they are wrong or help was asked for.</summary>
    public static ScenarioOptions? Parse(string[] args, TextWriter error)
    {
        bool quick = false, forever = false;
        Uri? backend = null;
        string? store = null;
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
                case "--store" when i + 1 < args.Length && !string.IsNullOrWhiteSpace(args[i + 1]) && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    store = args[++i];
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

        return new ScenarioOptions(quick, forever, backend, key, store);
    }
}
