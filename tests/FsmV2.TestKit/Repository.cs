namespace FsmV2.TestKit;

/// <summary>The repository the tests run in, for tests that read its files (docs, deploy/, sources).</summary>
public static class Repository
{
    private static readonly Lazy<string> FoundRoot = new(FindRoot);

    /// <summary>The folder holding <c>FsmV2.Toolkit.sln</c>, found above the running test's output folder.</summary>
    public static string Root => FoundRoot.Value;

    /// <summary>The full path of <paramref name="relative"/> (for example <c>docs/runbook.md</c>) below <see cref="Root"/>.</summary>
    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FsmV2.Toolkit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root (FsmV2.Toolkit.sln) not found above " + AppContext.BaseDirectory);
    }
}
