using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace FsmV2;

/// <summary>
/// The recorder's and replay's one way to System.Text.Json, with the options given to
/// <see cref="FlightRecorderOptions.UseJson"/> (its defaults when none). Capture and replay are opt-in and their
/// failures are contained (a capture that cannot serialise is logged once per worker and the decisions are still
/// recorded); a trimmed or native AOT application gives <c>UseJson</c> options with a source-generated resolver, so no
/// reflection is used.
/// </summary>
internal static class Json
{
    private const string Why = "Opt-in snapshot capture and replay: reflection is used only when the options given to FlightRecorderOptions.UseJson have no source-generated resolver, and a failure is contained (logged once per worker).";

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = Why)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = Why)]
    public static byte[] Serialize<T>(T value, JsonSerializerOptions? options) => JsonSerializer.SerializeToUtf8Bytes(value, options);

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = Why)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = Why)]
    public static T? Deserialize<T>(JsonElement json, JsonSerializerOptions? options) => json.Deserialize<T>(options);
}
