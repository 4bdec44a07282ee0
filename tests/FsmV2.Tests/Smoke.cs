using FsmV2.Tests.Workers;

namespace FsmV2.Tests;

public class Smoke
{
    [Fact]
    public void Mermaid() => Assert.Contains("Stopped --> Starting", PumpWorker.ToMermaid());
}
