using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FsmV2;

/// <summary>The export format of a <see cref="WorkerRecording"/>: one JSON object per decision and line.</summary>
internal static class RecordingJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static void Write(WorkerRecording recording, Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        foreach (DecisionRecord decision in recording.Decisions)
        {
            WriteDecision(writer, recording, decision);
            writer.Flush();
            writer.Reset();
            stream.WriteByte((byte)'\n');
        }

        stream.Flush();
    }

    private static void WriteDecision(Utf8JsonWriter writer, WorkerRecording recording, in DecisionRecord d)
    {
        writer.WriteStartObject();
        writer.WriteString("worker", recording.WorkerId);
        writer.WriteString("workerType", recording.WorkerType);
        writer.WriteString("at", d.At);
        writer.WriteString("state", d.State);
        writer.WriteString("kind", d.Kind.ToString());
        writer.WriteString("target", d.Target);
        writer.WriteString("reason", d.Reason);
        writer.WriteNumber("observationVersion", d.ObservationVersion);
        writer.WriteString("observationAge", d.ObservationAge.ToString("c", CultureInfo.InvariantCulture));
        writer.WriteNumber("desiredVersion", d.DesiredVersion);
        writer.WriteNumber("count", d.Count);
        writer.WriteString("lastAt", d.LastAt);
        if (d.Snapshot is { } s)
        {
            writer.WriteStartObject("snapshot");
            writer.WritePropertyName("desired");
            s.Desired.WriteTo(writer);
            writer.WritePropertyName("observed");
            s.Observed.WriteTo(writer);
            writer.WriteString("collectedAt", s.CollectedAt);
            writer.WriteBoolean("shutdownRequested", s.ShutdownRequested);
            writer.WriteBoolean("stopRequested", s.StopRequested);
            writer.WriteString("collectError", s.CollectError);
            WriteChildren(writer, s.Children);
            WriteActions(writer, s.RecentActions);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteChildren(Utf8JsonWriter writer, ChildrenView c)
    {
        writer.WriteStartObject("children");
        writer.WriteNumber("total", c.Total);
        writer.WriteNumber("healthy", c.Healthy);
        writer.WriteNumber("unhealthy", c.Unhealthy);
        writer.WriteNumber("stopped", c.Stopped);
        writer.WriteNumber("wanted", c.Wanted);
        writer.WriteEndObject();
    }

    private static void WriteActions(Utf8JsonWriter writer, IReadOnlyList<ActionResult> actions)
    {
        writer.WriteStartArray("recentActions");
        foreach (ActionResult a in actions)
        {
            writer.WriteStartObject();
            writer.WriteString("action", a.Action);
            writer.WriteString("outcome", a.Outcome.ToString());
            writer.WriteString("duration", a.Duration.ToString("c", CultureInfo.InvariantCulture));
            writer.WriteString("error", a.Error is { } e ? $"{e.GetType().Name}: {e.Message}" : null);
            writer.WriteString("completedAt", a.CompletedAt);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static WorkerRecording Read(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true);
        var decisions = new List<DecisionRecord>();
        string? worker = null;
        string? type = null;
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                string lineWorker = Text(root, "worker");
                string lineType = Text(root, "workerType");
                if ((worker ?? lineWorker) != lineWorker || (type ?? lineType) != lineType)
                {
                    throw new FormatException($"it is of worker '{lineWorker}' ({lineType}), the lines before of '{worker}' ({type})");
                }

                (worker, type) = (lineWorker, lineType);
                decisions.Add(ReadDecision(root));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or OverflowException)
            {
                throw new FormatException($"Line {number} of the recording is not a flight recorder decision: {ex.Message}", ex);
            }
        }

        return worker is null
            ? throw new FormatException("The recording has no decisions, so it names no worker.")
            : new WorkerRecording(worker, type!, decisions);
    }

    private static DecisionRecord ReadDecision(JsonElement root) =>
        new(
            root.GetProperty("at").GetDateTimeOffset(),
            Text(root, "state"),
            Enum.Parse<NextKind>(Text(root, "kind")),
            OptionalText(root, "target"),
            OptionalText(root, "reason"),
            root.GetProperty("observationVersion").GetInt64(),
            TimeSpan.ParseExact(Text(root, "observationAge"), "c", CultureInfo.InvariantCulture),
            root.GetProperty("desiredVersion").GetInt64())
        {
            Count = root.GetProperty("count").GetInt32(),
            LastAt = root.GetProperty("lastAt").GetDateTimeOffset(),
            Snapshot = root.TryGetProperty("snapshot", out JsonElement s) ? ReadSnapshot(s) : null,
        };

    private static CapturedSnapshot ReadSnapshot(JsonElement s)
    {
        JsonElement c = s.GetProperty("children");
        var children = new ChildrenView(c.GetProperty("total").GetInt32(), c.GetProperty("healthy").GetInt32(), c.GetProperty("unhealthy").GetInt32(), c.GetProperty("stopped").GetInt32(), c.GetProperty("wanted").GetInt32());
        var actions = new List<ActionResult>();
        foreach (JsonElement a in s.GetProperty("recentActions").EnumerateArray())
        {
            actions.Add(new ActionResult(
                Text(a, "action"),
                Enum.Parse<ActionOutcome>(Text(a, "outcome")),
                TimeSpan.ParseExact(Text(a, "duration"), "c", CultureInfo.InvariantCulture),
                OptionalText(a, "error") is { } error ? new RecordedException(error) : null,
                a.GetProperty("completedAt").GetDateTimeOffset()));
        }

        return new CapturedSnapshot(
            s.GetProperty("desired"),
            s.GetProperty("observed"),
            s.GetProperty("collectedAt").GetDateTimeOffset(),
            s.GetProperty("shutdownRequested").GetBoolean(),
            s.GetProperty("stopRequested").GetBoolean(),
            OptionalText(s, "collectError"),
            children,
            actions);
    }

    private static string Text(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"\"{name}\" is null");

    private static string? OptionalText(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;
}
