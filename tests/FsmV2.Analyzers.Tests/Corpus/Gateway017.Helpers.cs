namespace Corpus.Gateway017;

public sealed partial class Gateway017Worker
{
    static bool Leaving(in Snapshot<Cfg, Obs> s) => s.ShutdownRequested || !s.Desired.Run;

    static bool Halting<TDesired, TObserved>(in Snapshot<TDesired, TObserved> s) => s.ShutdownRequested;

    static Next Judge(in Snapshot<Cfg, Obs> s) => s.Observed.Errors > 3 ? Fail(s, State.Degraded) : Stay("running");

    static Next Fail(in Snapshot<Cfg, Obs> s, State to) => Goto(to, $"failed with {s.Observed.Errors} errors");

}
