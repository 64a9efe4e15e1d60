using Microsoft.Extensions.Configuration;

namespace ZeroLagHub.Cli.Shell;

/// <summary>
/// Where zlh keeps its files and what it reads from them: <c>$XDG_CONFIG_HOME/zlh</c> (else
/// <c>~/.config/zlh</c>) holds <c>config.json</c> (<c>Api</c>, <c>Ssh:Bastion</c>) and <c>credentials.json</c>.
/// Environment variables win over the file: <c>ZLH_API</c>, <c>ZLH_SSH_BASTION</c>.
/// </summary>
public sealed class CliConfig
{
    public const string DefaultApi = "http://127.0.0.1:5080";

    private readonly IConfiguration _file;

    private CliConfig(string directory, IConfiguration file)
    {
        Directory = directory;
        _file = file;
    }

    public string Directory { get; }

    public string CredentialsPath => Path.Combine(Directory, "credentials.json");

    public string? Api => Environment.GetEnvironmentVariable("ZLH_API") is { Length: > 0 } api ? api : _file["Api"];

    public string? SshBastion => Environment.GetEnvironmentVariable("ZLH_SSH_BASTION") is { Length: > 0 } bastion ? bastion : _file["Ssh:Bastion"];

    public static CliConfig Load()
    {
        var home = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(home)) home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        var directory = Path.Combine(home, "zlh");
        var file = new ConfigurationBuilder().AddJsonFile(Path.Combine(directory, "config.json"), optional: true).Build();
        return new CliConfig(directory, file);
    }
}
