namespace FsmV2.TestKit;

/// <summary>Source files of the kit that tests compile themselves, as text.</summary>
public static class KitFiles
{
    /// <summary>The path of <c>Workers/PumpWorker.cs</c> (namespace <c>FsmV2.Tests.Workers</c>).</summary>
    public static string PumpWorker => Repository.PathOf("tests/FsmV2.TestKit/Workers/PumpWorker.cs");
}
