using BenchmarkDotNet.Attributes;
using FsmV2.Benchmarks.Workers;
using FsmV2.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace FsmV2.Benchmarks;

/// <summary>
/// The hierarchy's steady-state costs: one tick of a 1 → 10 → 100 tree (111 workers, every level reconciling,
/// mapping and counting its children), and a full reconcile of a parent whose 100 children's specs were derived
/// again but did not change (every spec compared, nothing started, updated or removed).
/// </summary>
[MemoryDiagnoser]
public class HierarchyBenchmarks
{
    private FakeTimeProvider _time = null!;
    private Supervisor _tree = null!;
    private Supervisor _flat = null!;
    private WorkerHandle<BranchSpec, TreeStatus> _flatRoot = null!;
    private BranchSpec[] _equalSpecs = null!;
    private int _flip;

    [GlobalSetup]
    public void Setup()
    {
        _time = TestClock.Clock();

        var branches = new ChildSpecs<RootWorker>();
        for (int b = 0; b < 10; b++)
        {
            var leaves = new ChildSpecs<BranchWorker>();
            for (int l = 0; l < 10; l++)
            {
                leaves.Add(LeafWorker.AsChild($"leaf-{l}", new BranchSpec(l)));
            }

            branches.Add(BranchWorker.AsChild($"branch-{b}", new BranchSpec(b, leaves)));
        }

        _tree = new Supervisor(new SupervisorOptions(), _time);
        _tree.AddWorker("root", new RootWorker(), new BranchSpec(0, branches));

        // Two equal, separately built specs of 100 children: alternating them changes the desired version (so the
        // reconcile compares every child) while every child spec stays equal (so nothing is touched).
        _equalSpecs = [Flat(), Flat()];
        _flat = new Supervisor(new SupervisorOptions(), _time);
        _flatRoot = _flat.AddWorker("flat", new RootWorker(), _equalSpecs[0]);

        for (int i = 0; i < 3; i++)
        {
            _tree.Tick();
            _flat.Tick();
        }

        int running = _tree.GetStatus().Count(s => s.Reason is "running" or "all children healthy");
        if (running != 111)
        {
            throw new InvalidOperationException($"Expected 111 settled workers in the tree, found {running}.");
        }
    }

    [Benchmark(Description = "Tick of a 1 -> 10 -> 100 tree")]
    public void TickTree() => _tree.Tick();

    [Benchmark(Description = "Reconcile 100 unchanged children (+ tick them)")]
    public void ReconcileUnchanged()
    {
        _flatRoot.UpdateSpec(_equalSpecs[_flip ^= 1]);
        _flat.Tick();
    }

    [Benchmark(Description = "Tick 100 children, nothing to reconcile")]
    public void TickFlat() => _flat.Tick();

    private static BranchSpec Flat()
    {
        var leaves = new ChildSpecs<RootWorker>();
        for (int l = 0; l < 100; l++)
        {
            leaves.Add(LeafWorker.AsChild($"leaf-{l}", new BranchSpec(l)));
        }

        return new BranchSpec(0, leaves);
    }
}
