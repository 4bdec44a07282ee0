using System.Globalization;

namespace ClusterSample;

/// <summary>The command line: the sample's options, and the role (client and launcher, or silo N).</summary>
internal sealed record SampleOptions
{
    public int Workers { get; init; } = 10_000;
    public int Silos { get; init; } = 3;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);
    public TimeSpan KeeperInterval { get; init; } = TimeSpan.FromSeconds(2);
    public bool Verbose { get; init; }

    /// <summary>Set when this process is silo <c>N</c> (the launcher starts itself with <c>silo N</c>).</summary>
    public int? Silo { get; init; }

    /// <summary>The grain storage file (silos only).</summary>
    public string? Database { get; init; }

    /// <summary>Silo <paramref name="n"/>'s silo-to-silo port.</summary>
    public int SiloPortOf(int n) => SiloPort + n;

    /// <summary>Silo <paramref name="n"/>'s gateway (client) port.</summary>
    public int GatewayPortOf(int n) => GatewayPort + n;

    public const string Usage = """
        usage: dotnet run --project samples/Cluster [-- options]
          --workers N          workers to add (default 10000)
          --silos N            silo processes, 2 or 3 (default 3)
          --silo-port P        silo N listens on P+N for silos (default 11111)
          --gateway-port P     silo N listens on P+N for clients (default 30000)
          --keeper-interval S  seconds between the keeper's sweeps on each silo (default 2)
          --timeout S          give up after S seconds (default 900)
          --verbose            also print the silos' log lines (warnings and errors)
        """;

    /// <summary>Parses <paramref name="args"/>; on an error or --help writes to <paramref name="error"/> and returns null.</summary>
    public static SampleOptions? Parse(string[] args, TextWriter error)
    {
        var o = new SampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "-h" or "--help")
            {
                error.WriteLine(Usage);
                return null;
            }

            if (a == "--verbose")
            {
                o = o with { Verbose = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                return Fail(error, $"{a}: a value is missing.");
            }

            string v = args[++i];
            SampleOptions? next = a switch
            {
                "silo" => Int(v, 0, 2) is { } n ? o with { Silo = n } : null,
                "--workers" => Int(v, 1, 1_000_000) is { } n ? o with { Workers = n } : null,
                "--silos" => Int(v, 2, 3) is { } n ? o with { Silos = n } : null,
                "--silo-port" => Int(v, 1024, 65_000) is { } n ? o with { SiloPort = n } : null,
                "--gateway-port" => Int(v, 1024, 65_000) is { } n ? o with { GatewayPort = n } : null,
                "--keeper-interval" => Int(v, 1, 600) is { } n ? o with { KeeperInterval = TimeSpan.FromSeconds(n) } : null,
                "--timeout" => Int(v, 10, 3_600) is { } n ? o with { Timeout = TimeSpan.FromSeconds(n) } : null,
                "--db" => o with { Database = v },
                _ => null,
            };
            if (next is null)
            {
                return Fail(error, $"{a} {v}: not an option, or the value is out of range.");
            }

            o = next;
        }

        return o;
    }

    private static int? Int(string v, int min, int max) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max ? n : null;

    private static SampleOptions? Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        error.WriteLine(Usage);
        return null;
    }

    /// <summary>The arguments that start silo <paramref name="n"/> with these options.</summary>
    public IEnumerable<string> SiloArguments(int n, string database) =>
    [
        "silo", n.ToString(CultureInfo.InvariantCulture),
        "--silos", Silos.ToString(CultureInfo.InvariantCulture),
        "--silo-port", SiloPort.ToString(CultureInfo.InvariantCulture),
        "--gateway-port", GatewayPort.ToString(CultureInfo.InvariantCulture),
        "--keeper-interval", ((int)KeeperInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        "--db", database,
    ];
}
