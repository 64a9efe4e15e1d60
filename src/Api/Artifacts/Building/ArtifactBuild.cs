namespace ZeroLagHub.Api.Artifacts.Building;

/// <summary>One run of the builder for one artifact: its progress lines as they come, then how it ended.</summary>
public sealed class ArtifactBuild(ArtifactRecipe recipe, DateTimeOffset startedAt)
{
    /// <summary>Lines kept; the builder prints a few dozen, a failing npm install more.</summary>
    public const int MaxLines = 500;

    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private int _dropped;

    public ArtifactRecipe Recipe => recipe;
    public DateTimeOffset StartedAt => startedAt;
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary><c>building</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string State { get; private set; } = "building";

    public string? Error { get; private set; }

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
            if (_lines.Count > MaxLines) { _lines.RemoveAt(0); _dropped++; }
        }
    }

    public void End(DateTimeOffset at, string? error)
    {
        lock (_lock)
        {
            (EndedAt, State, Error) = (at, error is null ? "succeeded" : "failed", error);
        }
    }

    /// <summary>What the API answers: <c>logStart</c> is the number of the first line shown (earlier ones were dropped).</summary>
    public ArtifactBuildView View()
    {
        lock (_lock)
            return new ArtifactBuildView(recipe.Name, recipe.Version, State, StartedAt, EndedAt, Error, _dropped, [.. _lines]);
    }
}

public sealed record ArtifactBuildView(string Name, string Version, string State, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    string? Error, int LogStart, IReadOnlyList<string> Log);
