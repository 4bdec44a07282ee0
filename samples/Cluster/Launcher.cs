using System.Diagnostics;
using System.Globalization;
using FsmV2.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterSample;

/// <summary>
/// The sample without arguments: starts the silo processes, connects a client, adds the workers, prints their
/// distribution, kills one silo, waits until every worker is active again and prints the distribution after. Every
/// silo process is killed when it ends, whichever way (and a silo exits by itself if this process is killed).
/// </summary>
internal sealed class Launcher(SampleOptions o, TextWriter output) : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private DirectoryInfo? _folder;
    private IHost? _client;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (SiloProcess.FindBusy(Ports()) is { } busy)
        {
            await Console.Error.WriteLineAsync($"error: port {busy.Port} ({busy.Role}) on 127.0.0.1 is busy: another program listens on it. Choose other ports with --silo-port and --gateway-port (silo N uses the port plus N).").ConfigureAwait(false);
            return 2;
        }

        _folder = Directory.CreateTempSubdirectory("fsmv2-cluster-");
        string db = Path.Combine(_folder.FullName, "grains.db");
        SqliteGrainStorage.Create(db);
        output.WriteLine($"FsmV2 cluster sample: {o.Silos} silo processes on 127.0.0.1, {o.Workers:N0} workers, grain storage {db}");
        await StartSilosAsync(db, ct).ConfigureAwait(false);
        IClusterClient grains = await ConnectAsync(ct).ConfigureAwait(false);
        var fleet = new FleetView(grains, o, output);

        TimeSpan added = await fleet.AddAsync(ct).ConfigureAwait(false);
        output.WriteLine($"added {o.Workers:N0} workers in {Seconds(added)}");
        IReadOnlyList<WorkerGrainStatus> before = await fleet.WaitUntilAsync(s => s.State == "Measuring", "every worker to be Measuring", _silos, ct).ConfigureAwait(false);
        output.WriteLine($"every worker Measuring {Seconds(_clock.Elapsed)} after the start");
        fleet.PrintDistribution("before", before, _silos);

        SiloProcess victim = _silos[^1]; // not silo 0: with development clustering it holds the membership table
        int moving = before.Count(s => fleet.SiloOf(s) == victim.Number);
        output.WriteLine($"killing silo {victim.Number} (pid {victim.Pid}, {moving:N0} workers) with SIGKILL");
        var sinceKill = Stopwatch.StartNew();
        victim.Kill();
        _silos.Remove(victim);
        victim.Dispose();

        (TimeSpan dead, TimeSpan active) = await fleet.WaitForReactivationAsync(victim.Number, sinceKill, ct).ConfigureAwait(false);
        output.WriteLine($"silo {victim.Number} declared dead {Seconds(dead)} after the kill");
        output.WriteLine($"every worker active again {Seconds(active)} after the kill ({o.Workers:N0} activations on the {_silos.Count} live silos)");
        IReadOnlyList<WorkerGrainStatus> after = await fleet.WaitUntilAsync(s => s.State == "Measuring" && fleet.SiloOf(s) != victim.Number, "every worker Measuring on a live silo", _silos, ct).ConfigureAwait(false);
        output.WriteLine($"every worker Measuring on a live silo {Seconds(sinceKill.Elapsed)} after the kill");
        fleet.PrintDistribution("after", after, _silos);
        return fleet.Check(before, after, victim.Number) ? 0 : 1;
    }

    private IEnumerable<(int Port, string Role)> Ports() =>
        Enumerable.Range(0, o.Silos).SelectMany(n => new[] { (o.SiloPortOf(n), $"silo {n}'s silo port"), (o.GatewayPortOf(n), $"silo {n}'s gateway port") });

    private async Task StartSilosAsync(string db, CancellationToken ct)
    {
        TimeSpan ready = TimeSpan.FromSeconds(90);
        TextWriter? echo = o.Verbose ? output : null;
        _silos.Add(SiloProcess.Start(0, o, db, echo)); // the primary first: the others join through it
        await _silos[0].WaitReadyAsync(ready, ct).ConfigureAwait(false);
        for (int n = 1; n < o.Silos; n++)
        {
            _silos.Add(SiloProcess.Start(n, o, db, echo));
        }

        await Task.WhenAll(_silos.Skip(1).Select(s => s.WaitReadyAsync(ready, ct))).ConfigureAwait(false);
        foreach (SiloProcess s in _silos)
        {
            output.WriteLine($"silo {s.Number}{(s.Number == 0 ? " (primary)" : "")}: pid {s.Pid}, silo port {o.SiloPortOf(s.Number)}, gateway port {o.GatewayPortOf(s.Number)}, ready");
        }

        output.WriteLine($"{o.Silos} silos ready {Seconds(_clock.Elapsed)} after the start");
    }

    private async Task<IClusterClient> ConnectAsync(CancellationToken ct)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // the client's retries after the kill are expected; the output says what happened
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering([.. Enumerable.Range(0, o.Silos).Select(o.GatewayPortOf)], SiloMain.ServiceId, SiloMain.ServiceId);
        });
        _client = builder.Build();
        await _client.StartAsync(ct).ConfigureAwait(false);
        return _client.Services.GetRequiredService<IClusterClient>();
    }

    internal static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s");

    public async ValueTask DisposeAsync()
    {
        foreach (SiloProcess s in _silos)
        {
            s.Dispose(); // killed: the sample's grain storage goes with its folder
        }

        _silos.Clear();
        if (_client is not null)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _client.StopAsync(quick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _client.Dispose();
        }

        try
        {
            _folder?.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Kills every silo process when this process exits another way (SIGTERM, an unhandled error).</summary>
    public void KillSilosOnExit()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (SiloProcess s in _silos.ToArray())
            {
                s.Kill();
            }
        };
    }
}
