using System.Text.Json.Serialization;
using FsmV2.Sqlite.Tests.Workers;

namespace FsmV2.Sqlite.Tests;

/// <summary>A worker's desired and observed types can be written with its own serializer or a source-generated JsonTypeInfo.</summary>
public partial class SerializerTests
{
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [JsonSerializable(typeof(StepStatus))]
    private sealed partial class StatusJson : JsonSerializerContext;

    [Fact]
    public async Task A_worker_type_written_with_its_own_serializer_and_its_source_generated_JsonTypeInfo()
    {
        using var rig = new Rig();
        using SqliteWorkerStore store = rig.Open(configure: o => o
            .UseJson(StatusJson.Default.StepStatus)
            .UseSerializer<StepSpec>(spec => $"target={spec.Target}"));
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("C"));
        await rig.StepUntil(supervisor, "w", "C");

        Assert.True(store.Flush(), store.LastError);
        Assert.Equal("target=C", Sql.Scalar(rig.FilePath, "SELECT desired_json FROM workers WHERE id = 'w'"));
        Assert.Equal("{\"reading\":42}", Sql.Scalar(rig.FilePath, "SELECT observed_json FROM workers WHERE id = 'w'"));
        await rig.ShutDown(supervisor);
    }

    [Fact]
    public async Task A_serializer_that_throws_is_stored_as_its_error_and_the_store_goes_on()
    {
        using var rig = new Rig();
        using SqliteWorkerStore store = rig.Open(configure: o => o.UseSerializer<StepSpec>(_ => throw new NotSupportedException("no format for this spec")));
        Supervisor supervisor = rig.Supervisor(store);
        supervisor.AddWorker("w", new StepWorker(), new StepSpec("B"));
        await rig.StepUntil(supervisor, "w", "B");

        Assert.True(store.Flush(), store.LastError);
        Assert.Equal("{\"serializationError\":\"NotSupportedException: no format for this spec\"}", Sql.Scalar(rig.FilePath, "SELECT desired_json FROM workers WHERE id = 'w'"));
        Assert.Equal("B", Sql.Scalar(rig.FilePath, "SELECT state FROM workers WHERE id = 'w'"));
        await rig.ShutDown(supervisor);
    }
}
