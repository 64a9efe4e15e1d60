namespace ZeroLagHub.Cli.Consoles;

/// <summary>Which console to attach: the container, how the user named it (for messages), and <c>shell</c> or <c>server</c>.</summary>
internal sealed record ConsoleTarget(Guid Id, string Reference, string Kind)
{
    /// <summary>For people: "the shell of my-box", "the server console of my-world".</summary>
    public string Description => Kind == "server" ? $"the server console of {Reference}" : $"the shell of {Reference}";
}
