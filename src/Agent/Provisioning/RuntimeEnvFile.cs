using System.Text;

namespace ZeroLagHub.Agent.Provisioning;

/// <summary>
/// Projects the installed runtime's environment into dev shells: a POSIX shell file that the image's
/// <c>/etc/profile.d/zlh.sh</c> (and the agent's console) sources, so every login shell sees it and a
/// reinstall changes it for the next shell without touching the image.
/// </summary>
/// <remarks>
/// Exports <c>ZLH_RUNTIME</c>, <c>RUNTIME_VERSION</c>, <c>ARCHIVE_PREFIX</c> (the artifact's prefix, which
/// for java is <c>jdk</c>), <c>ZLH_RUNTIME_HOME</c>, the runtime's conventional home variable
/// (<c>JAVA_HOME</c>, <c>GOROOT</c>, <c>DOTNET_ROOT</c>) and prepends <c>&lt;install&gt;/bin</c> to PATH.
/// Values are single-quoted, so nothing in them is expanded by the shell.
/// </remarks>
public static class RuntimeEnvFile
{
    public static void Write(string path, string runtime, string version, string archivePrefix, string installPath)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the agent runs in Linux containers");
        var text = new StringBuilder()
            .AppendLine("# Written by zlh-agent on provisioning; sourced by dev shells. Do not edit: the next install rewrites it.")
            .AppendLine($"export ZLH_RUNTIME={Quote(runtime)}")
            .AppendLine($"export RUNTIME_VERSION={Quote(version)}")
            .AppendLine($"export ARCHIVE_PREFIX={Quote(archivePrefix)}")
            .AppendLine($"export ZLH_RUNTIME_HOME={Quote(installPath)}");
        if (HomeVariable(runtime) is { } home) text.AppendLine($"export {home}={Quote(installPath)}");
        // dotnet keeps its executable at the root of the install, the others under bin/.
        text.AppendLine($"export PATH={Quote(Path.Combine(installPath, "bin"))}:{Quote(installPath)}:\"$PATH\"");

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path + ".tmp", text.ToString());
        File.SetUnixFileMode(path + ".tmp", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static string? HomeVariable(string runtime) => runtime switch
    {
        "java" => "JAVA_HOME",
        "go" => "GOROOT",
        "dotnet" => "DOTNET_ROOT",
        _ => null,
    };

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
