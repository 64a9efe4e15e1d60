namespace ZeroLagHub.Bench;

/// <summary>The repository checkout this benchmark runs from.</summary>
internal static class RepoRoot
{
    public static string Find()
    {
        // Walk up from the working directory, then from the binary: `dotnet run --project` may be
        // started anywhere, but the build output always sits inside the repository.
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ZeroLagHub.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("ZeroLagHub.sln not found above the working directory or the binary; set ZLH_POSTGRES instead");
    }
}
