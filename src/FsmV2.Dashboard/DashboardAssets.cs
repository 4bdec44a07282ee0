using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace FsmV2.Dashboard;

/// <summary>The page's files, embedded in this assembly (the page needs nothing from the network).</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Files = Load();

    /// <summary>The names of the embedded files but the page itself (served under <c>assets/</c>).</summary>
    public static IEnumerable<string> Names => Files.Keys;

    /// <summary>The page, with its base path and title filled in.</summary>
    public static IResult Page(string basePath, string title)
    {
        string html = Read("index.html")
            .Replace("%BASE%", WebUtility.HtmlEncode(basePath), StringComparison.Ordinal)
            .Replace("%TITLE%", WebUtility.HtmlEncode(title), StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>An embedded file by name, or 404.</summary>
    public static IResult Asset(string name) =>
        Files.TryGetValue(name, out (byte[] Bytes, string ContentType) file) ? Results.Bytes(file.Bytes, file.ContentType) : Results.NotFound();

    private static string Read(string name)
    {
        using Stream stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream("FsmV2.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard's embedded file '{name}' is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string resource in typeof(DashboardAssets).Assembly.GetManifestResourceNames())
        {
            string name = resource["FsmV2.Dashboard.".Length..];
            string? type = Path.GetExtension(name) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => null,
            };
            if (type is not null)
            {
                using Stream stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(resource)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                files[name] = (copy.ToArray(), type);
            }
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
