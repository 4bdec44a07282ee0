"""Writes the precision/recall corpus of CorpusTests: python3 generate.py (rewrites every .cs here).

Each worker combines one way of writing each state (nested ternaries, switch expressions and statements,
pattern matching, local functions, LINQ, records with `with`, helpers in the partial Name.Helpers.cs file,
retry helpers of the shared Device class); 56 are clean, 48 carry one defect marked {|FSMVnnn:span|}. Six
hierarchy files (PlantNNN.cs) give a parent its children, three of them a child that is not [ChildOf] it (FSMV019).
"""
import os, itertools
out = os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
domains = ["Pump","Valve","Conveyor","Boiler","Chiller","ModbusLink","MqttBridge","OpcSession","Robot","Scale",
           "Printer","Labeler","Mixer","Oven","Press","Sorter","Camera","Gateway","Sensor","Feeder",
           "Dryer","Filler","Capper","Palletizer","Shuttle","Crane","Lift","Compressor","Fan","Heater"]

RUNNING = {
 "ternary": '''    static Next Running(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested || !s.Desired.Run ? Goto(State.Stopping, "stop")
         : s.Observed.Errors > s.Desired.Limit ? Goto(State.Degraded, "too many errors")
         : Stay("running");''',
 "switchexpr": '''    static Next Running(in Snapshot<Cfg, Obs> s) => s switch
    {
        { ShutdownRequested: true } => Goto(State.Stopping, "shutdown"),
        { Desired.Run: false } => Goto(State.Stopping, "not wanted"),
        { Observed.Errors: > 3 } => Goto(State.Degraded, "errors"),
        _ => Stay("running"),
    };''',
 "linq": '''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        if (s.ShutdownRequested || !s.Desired.Run)
        {
            return Goto(State.Stopping, "stop");
        }

        int bad = s.Observed.Readings.Count(r => r > 100);
        return Pick(bad);

        static Next Pick(int n) => n > 2 ? Goto(State.Degraded, $"{n} bad readings") : Stay("running");
    }''',
 "switchstmt": '''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        if (s.ShutdownRequested)
        {
            return Goto(State.Stopping, "shutdown");
        }

        switch (s.Observed.Mode)
        {
            case "fault":
            case "alarm":
                return Goto(State.Degraded, s.Observed.Mode);
            case "off":
                return Goto(State.Stopping, "switched off");
            default:
                return Stay("running");
        }
    }''',
 "helperpartial": '''    static Next Running(in Snapshot<Cfg, Obs> s) => Leaving(in s) ? Goto(State.Stopping, "leaving") : Judge(s);''',
 "ternarytarget": '''    static Next Running(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Errors > 0 ? Goto(s.Observed.Errors > 5 ? State.Stopping : State.Degraded, "errors")
         : Stay("running");''',
 "localtarget": '''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        if (s.ShutdownRequested)
        {
            return Goto(State.Stopping, "shutdown");
        }

        State next = State.Degraded;
        if (!s.Desired.Run)
        {
            next = State.Stopping;
        }

        return s.Observed.Up && s.Desired.Run ? Stay("running") : Goto(next, "leaving running");
    }''',
 "helperparam": '''    static Next Running(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Errors > 3 ? Fail(s, State.Degraded)
         : Stay("running");''',
 "withrecord": '''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        bool leaving = Leaving(in s);
        if (leaving)
        {
            return Goto(State.Stopping, "leaving");
        }

        var view = new View(s.Observed.Errors, s.Desired.Limit) with { Limit = s.Desired.Limit + 1 };
        return view.Errors >= view.Limit ? Goto(State.Degraded, $"{view}") : Stay("running");
    }''',
 "localdict": '''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        if (s.ShutdownRequested)
        {
            return Goto(State.Stopping, "shutdown");
        }

        var counts = new Dictionary<string, int>();
        foreach (int reading in s.Observed.Readings)
        {
            string key = reading > 100 ? "high" : "ok";
            counts.TryGetValue(key, out int seen);
            counts[key] = seen + 1;
        }

        counts.TryGetValue("high", out int high);
        return high > 2 ? Goto(State.Degraded, $"{high} high") : Stay("running");
    }''',
 "tryfirst": '''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        try
        {
            if (s.ShutdownRequested)
            {
                return Goto(State.Stopping, "shutdown");
            }

            return checked(s.Observed.Errors * 2) > s.Desired.Limit ? Goto(State.Degraded, "errors") : Stay("running");
        }
        catch (OverflowException)
        {
            return Goto(State.Degraded, "overflow");
        }
    }''',
}

DEGRADED = {
 "plain": '''    static Next Degraded(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Errors == 0 ? Goto(State.Running, "recovered")
         : Do(Act.Reset, "resetting");''',
 "pattern": '''    static Next Degraded(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed is { Up: true, Errors: 0 } ? Goto(State.Running, "recovered")
         : Do(Act.Reset, $"resetting after {s.Observed.Errors} errors");''',
 "generic": '''    static Next Degraded(in Snapshot<Cfg, Obs> s)
        => Halting<Cfg, Obs>(in s) ? Goto(State.Stopping, "shutdown")
         : s.Observed.Errors == 0 ? Goto(State.Running, "recovered")
         : Do(Act.Reset, "resetting");''',
}

ACTION = {
 "once": '''    [Action(TimeoutMs = 5_000)]
    async Task Reset(CancellationToken ct) => await Device.ResetAsync(ct);''',
 "oncehelper": '''    [Action(TimeoutMs = 5_000)]
    Task Reset(CancellationToken ct) => ResetOnce(ct);

    static async Task ResetOnce(CancellationToken ct)
    {
        try
        {
            await Device.ResetAsync(ct);
        }
        catch (InvalidOperationException)
        {
            throw new TimeoutException("reset failed");
        }
    }''',
}

def worker(name, running, degraded, action, stopping=None, extra="", stopped=None):
    stopping = stopping or '''    static Next Stopping(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested || !s.Observed.Up ? Goto(State.Stopped, "stopped") : Do(Act.Reset, "powering down");'''
    stopped = stopped or '''    static Next Stopped(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Desired.Run ? Goto(State.Starting, "start")
         : Stay("stopped");'''
    return f'''namespace Corpus.{name};

public sealed record Cfg(bool Run, int Limit);

public sealed record Obs(bool Up, int Errors, string Mode, IReadOnlyList<int> Readings);

public sealed record View(int Errors, int Limit);

[Worker]
public sealed partial class {name}Worker : IWorker<Cfg, Obs>
{{
    public ValueTask<Obs> CollectAsync(Cfg desired, CancellationToken ct) =>
        ValueTask.FromResult(new Obs(desired.Run, 0, "auto", Array.Empty<int>()));

    [State(Initial = true)]
    [TransitionsTo(nameof(Starting))]
{stopped}

    [State]
    [TransitionsTo(nameof(Running), nameof(Stopping))]
    static Next Starting(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : s.Observed.Up ? Goto(State.Running, "up")
         : Do(Act.Reset, "starting");

    [State]
    [TransitionsTo(nameof(Degraded), nameof(Stopping))]
{running}

    [State]
    [TransitionsTo(nameof(Running), nameof(Stopping))]
{degraded}

    [State]
    [TransitionsTo(nameof(Stopped))]
{stopping}

{action}
{extra}
}}
'''

HELPERS = '''namespace Corpus.{name};

public sealed partial class {name}Worker
{{
    static bool Leaving(in Snapshot<Cfg, Obs> s) => s.ShutdownRequested || !s.Desired.Run;

    static bool Halting<TDesired, TObserved>(in Snapshot<TDesired, TObserved> s) => s.ShutdownRequested;

    static Next Judge(in Snapshot<Cfg, Obs> s) => s.Observed.Errors > 3 ? Fail(s, State.Degraded) : Stay("running");

    static Next Fail(in Snapshot<Cfg, Obs> s, State to) => Goto(to, $"failed with {{s.Observed.Errors}} errors");
{more}
}}
'''

DEVICE = '''namespace Corpus;

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
'''

files = {}
def add(stem, main, more=""):
    files[stem] = (main, HELPERS.format(name=stem, more=more))

# clean: running x degraded x action combinations
combos = list(itertools.product(RUNNING.keys(), DEGRADED.keys(), ACTION.keys()))
n = 0
for (r, d, a) in combos[:56]:
    name = f"{domains[n % len(domains)]}{n:03d}"
    add(name, worker(name, RUNNING[r], DEGRADED[d], ACTION[a]))
    n += 1

# faulty variants
def R(text_from, text_to, base="ternary"):
    return RUNNING[base].replace(text_from, text_to)

faults = [
 ("ternary-undeclared", dict(running='''    static Next Running(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : Goto(s.Observed.Errors > 5 ? {|FSMV001:State.Stopped|} : State.Degraded, "errors");''')),
 ("switchexpr-undeclared", dict(running='''    static Next Running(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : Goto(s.Observed.Mode switch { "fault" => State.Degraded, "cold" => {|FSMV001:State.Starting|}, _ => State.Stopping }, "mode");''')),
 ("local-undeclared", dict(running=RUNNING["localtarget"].replace("next = State.Stopping;", "next = {|FSMV001:State.Stopped|};"))),
 ("helperparam-undeclared", dict(running=RUNNING["helperparam"].replace("Fail(s, State.Degraded)", "Fail(s, {|FSMV001:State.Starting|})"))),
 ("direct-undeclared", dict(running=RUNNING["ternary"].replace('Goto(State.Degraded, "too many errors")', 'Goto({|FSMV001:State.Stopped|}, "too many errors")'))),
 ("localfunction-undeclared", dict(running=RUNNING["linq"].replace('Goto(State.Degraded, $"{n} bad readings")', 'Goto({|FSMV001:State.Starting|}, $"{n} bad readings")'))),
 ("random", dict(running=RUNNING["ternary"].replace('Stay("running")', 'Stay($"running {{|FSMV007:Random.Shared.Next(100)|}}")'))),
 ("utcnow", dict(running=RUNNING["switchstmt"].replace('return Stay("running");', 'return Stay($"running at {{|FSMV007:DateTime.UtcNow|}}");'))),
 ("getresult", dict(degraded=DEGRADED["plain"].replace('Do(Act.Reset, "resetting")', 'Do(Act.Reset, $"resetting {{|FSMV007:Task.FromResult(1).GetAwaiter().GetResult()|}}")'))),
 ("tickcount", dict(running=RUNNING["localdict"].replace('return high > 2', 'return high > 2 + {|FSMV007:Environment.TickCount64|} % 2'))),
 ("historyadd", dict(running=RUNNING["ternary"].replace('Stay("running")', 'Stay({|FSMV007:Record(s.Observed.Errors)|})'), more='''
    static readonly List<int> History = new();

    static string Record(int errors)
    {
        History.Add(errors);
        return $"running, {History.Count} samples";
    }''')),
 ("fieldwrite", dict(running=RUNNING["ternary"].replace('Stay("running")', 'Stay($"running {{|FSMV007:Ticks++|}}")'), extra='''    static int Ticks;''')),
 ("console", dict(running=RUNNING["withrecord"].replace('var view =', '{|FSMV007:Console.WriteLine(s.Observed.Errors)|};\n        var view ='))),
 ("shutdown-late", dict(running='''    static Next Running(in Snapshot<Cfg, Obs> s)
        => {|FSMV008:s.Observed.Errors > 3|} ? Goto(State.Degraded, "errors")
         : s.ShutdownRequested ? Goto(State.Stopping, "shutdown")
         : Stay("running");''')),
 ("shutdown-late-block", dict(running='''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        int errors = s.Observed.Errors;
        if ({|FSMV008:errors > 3|})
        {
            return Goto(State.Degraded, "errors");
        }

        return s.ShutdownRequested ? Goto(State.Stopping, "shutdown") : Stay("running");
    }''')),
 ("shutdown-late-try", dict(running='''    static Next Running(in Snapshot<Cfg, Obs> s)
    {
        try
        {
            if ({|FSMV008:s.Observed.Mode == "fault"|})
            {
                return Goto(State.Degraded, "fault");
            }
        }
        catch (InvalidOperationException)
        {
        }

        return s.ShutdownRequested ? Goto(State.Stopping, "shutdown") : Stay("running");
    }''')),
 ("stopping-stays", dict(stopping='''    static Next Stopping(in Snapshot<Cfg, Obs> s)
        => s.ShutdownRequested || !s.Observed.Up ? Goto(State.Stopped, "stopped") : {|FSMV009:Stay("waiting for power down")|};''')),
 ("retry-loop", dict(action='''    [Action(TimeoutMs = 5_000)]
    async Task Reset(CancellationToken ct)
    {
        {|FSMV012:while|} (true)
        {
            try
            {
                await Device.ResetAsync(ct);
                return;
            }
            catch (InvalidOperationException)
            {
            }
        }
    }''')),
 ("retry-helper", dict(action='''    [Action(TimeoutMs = 5_000)]
    Task Reset(CancellationToken ct) => {|FSMV012:Device.RetryAsync(Device.ResetAsync, ct)|};''')),
 ("backoff-helper", dict(action='''    [Action(TimeoutMs = 5_000)]
    async Task Reset(CancellationToken ct) => await {|FSMV012:Device.BackOffAsync(ct)|};''')),
 ("byvalue", dict(running=RUNNING["ternary"].replace("static Next Running(in Snapshot<Cfg, Obs> s)", "static Next {|FSMV010:Running|}(Snapshot<Cfg, Obs> s)"))),
]
variants_r = list(RUNNING.keys())
for i in range(48):
    kind, parts = faults[i % len(faults)]
    name = f"{domains[n % len(domains)]}{n:03d}"
    d = DEGRADED[list(DEGRADED.keys())[i % 3]]
    kw = dict(running=RUNNING[variants_r[i % len(variants_r)]], degraded=d, action=ACTION["once"])
    more = parts.get("more", "")
    for k in ("running", "degraded", "action", "stopping", "extra", "stopped"):
        if k in parts:
            kw[k] = parts[k]
    add(name, worker(name, **kw), more)
    n += 1

# hierarchies (FSMV019): a parent, a child of it, a child of another parent, a worker nobody's child, and the
# children one plan gives the parent; a spec for a worker that is not [ChildOf] the parent is marked.
HIERARCHY = '''namespace Corpus.{name};

public sealed record LineSpec(IReadOnlyList<ChildSpec> Children) : IHasChildren;

public sealed record Unit(int Speed);

[Worker]
public sealed partial class {name}Line : IWorker<LineSpec, bool>
{{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s)
        => s.ShutdownRequested ? Remove("shutdown requested")
         : s.Children.AllOperational ? Stay("all units healthy")
         : Stay($"{{s.Children.Unhealthy}} units unhealthy");
}}

[Worker]
public sealed partial class {name}Tank : IWorker<LineSpec, bool>
{{
    public ValueTask<bool> CollectAsync(LineSpec desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<LineSpec, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("running");
}}

{unit}

[Worker, ChildOf(typeof({name}Tank))]
public sealed partial class {name}Valve : IWorker<Unit, bool>
{{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Open(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("open");
}}

[Worker]
public sealed partial class {name}Lamp : IWorker<Unit, bool>
{{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(true);

    [State(Initial = true, Terminal = true)]
    static Next Lit(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay("lit");
}}

public static class {name}Plan
{{
    public static LineSpec Line(int speed) => new({children});
}}
'''

UNIT_ONE = '''[Worker, ChildOf(typeof({name}Line))]
public sealed partial class {name}Unit : IWorker<Unit, bool>
{{
    public ValueTask<bool> CollectAsync(Unit desired, CancellationToken ct) => ValueTask.FromResult(desired.Speed > 0);

    [State(Initial = true, Terminal = true)]
    static Next Running(in Snapshot<Unit, bool> s) => s.ShutdownRequested ? Remove("shutdown requested") : Stay($"at {{s.Desired.Speed}}");
}}'''

UNIT_TWO = UNIT_ONE.replace("[Worker, ChildOf(typeof({name}Line))]", "[Worker]\n[ChildOf(typeof({name}Line))]\n[ChildOf(typeof({name}Tank))]")

hierarchies = [
 (UNIT_ONE, '''new ChildSpecs<{name}Line>()
        .Add({name}Unit.AsChild("u1", new Unit(speed)))
        .Add({name}Unit.AsChild("u2", new Unit(speed * 2), enabled: false).WithPolicy(RestartPolicy.Transient))'''),
 (UNIT_TWO, '''new ChildSpecs<{name}Line>
    {{
        {name}Unit.AsChild("u1", new Unit(speed)),
        ChildSpec.Create<{name}Unit, Unit, bool>("u2", new Unit(speed), () => new {name}Unit()),
    }}'''),
 (UNIT_ONE, '''new ChildSpecs<{name}Line>()
        .Add({name}Unit.AsChild("u1", new Unit(speed)))
        .Add({{|FSMV019:{name}Valve.AsChild("v1", new Unit(speed))|}})'''),
 (UNIT_ONE, '''new ChildSpecs<{name}Line>
    {{
        {{|FSMV019:ChildSpec.Create<{name}Lamp, Unit, bool>("lamp", new Unit(0), () => new {name}Lamp())|}},
        {name}Unit.AsChild("u1", new Unit(speed)),
    }}'''),
 (UNIT_ONE, '''new ChildSpecs<{name}Line>().Add({{|FSMV019:{name}Valve.AsChild("v1", new Unit(speed)).WithStartupTimeout(TimeSpan.FromSeconds(5))|}})'''),
 (UNIT_TWO, '''new ChildSpecs<{name}Line>().Add({name}Unit.AsChild("u1", new Unit(speed)))'''),
]
hierarchy_files = {}
for i, (unit, children) in enumerate(hierarchies):
    name = f"Plant{n:03d}"
    hierarchy_files[name] = HIERARCHY.format(name=name, unit=unit.format(name=name), children=children.format(name=name))
    n += 1

for f in os.listdir(out):
    if f.endswith(".cs"):
        os.remove(os.path.join(out, f))
for stem, (main, helpers) in files.items():
    open(os.path.join(out, stem + ".cs"), "w").write(main)
    open(os.path.join(out, stem + ".Helpers.cs"), "w").write(helpers)
for stem, source in hierarchy_files.items():
    open(os.path.join(out, stem + ".cs"), "w").write(source)
open(os.path.join(out, "Device.cs"), "w").write(DEVICE)
print(len(files), "workers,", len(hierarchy_files), "hierarchies")
