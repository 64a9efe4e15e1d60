namespace ZeroLagHub.Agent.Holder;

/// <summary>What the holder starts, written by the agent to <c>launch.json</c> before it starts the holder.</summary>
/// <param name="Program">Looked up on PATH.</param>
/// <param name="RunAs">A local account to run the server as (only when the holder is root); null: the holder's own.</param>
public sealed record HolderLaunch(
    string Program,
    IReadOnlyList<string> Args,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    string? RunAs,
    int Rows = 24,
    int Cols = 80);
