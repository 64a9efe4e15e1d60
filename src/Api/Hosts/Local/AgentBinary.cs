namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>Where the agent's entry assembly is: configured, packaged next to the API, or the repository's build output.</summary>
public static class AgentBinary
{
    private const string FileName = "ZeroLagHub.Agent.dll";

    public static string Find(string configured)
    {
        if (configured.Length > 0)
            return File.Exists(configured) ? Path.GetFullPath(configured)
                : throw new InvalidOperationException($"Hosts:Local:AgentPath: {configured} does not exist");

        var packaged = Path.Combine(AppContext.BaseDirectory, "agent", FileName);
        if (File.Exists(packaged)) return packaged;

        // A source checkout: the API's project reference builds the agent into its own bin folder.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "ZeroLagHub.sln"))) continue;
            var built = new[] { "Release", "Debug" }
                .Select(c => new FileInfo(Path.Combine(dir.FullName, "src", "Agent", "bin", c, "net10.0", FileName)))
                .Where(f => f.Exists)
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .FirstOrDefault();
            if (built is not null) return built.FullName;
            break;
        }
        throw new InvalidOperationException(
            $"cannot find {FileName}: build src/Agent, or set Hosts:Local:AgentPath (ZLH_HOSTS__LOCAL__AGENTPATH)");
    }
}
