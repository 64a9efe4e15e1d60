namespace ZeroLagHub.Domain.Servers;

/// <summary>
/// Tells why a game server died from how it exited and what it printed last. Pure: the caller reads
/// the cgroup and the log tail. Most specific first: out of memory, then a missing class / mod /
/// plugin / library (more specific than a generic loader failure), then mod-loader or plugin
/// failures, then any other failure; an exit 0 that nobody asked for is <see cref="CrashClassification.UnexpectedExit"/>.
/// </summary>
/// <remarks>
/// The patterns are what Forge, NeoForge, Fabric/Quilt, Bukkit/Spigot/Paper and the shell actually print
/// on those failures (log lines and crash-report headers); case-sensitive where the source is a Java
/// class name, so prose in chat lines does not match by accident.
/// </remarks>
public static class CrashClassifier
{
    /// <summary>SIGKILL, and the exit code a shell reports for a child killed by it.</summary>
    private const int SigKill = 9;
    private const int KilledExitCode = 128 + SigKill;

    private static readonly string[] OutOfMemory =
    [
        "java.lang.OutOfMemoryError",
        "There is insufficient memory for the Java Runtime Environment to continue",
        "Cannot allocate memory",
    ];

    private static readonly string[] MissingDependency =
    [
        "ClassNotFoundException",
        "NoClassDefFoundError",
        "NoSuchMethodError",
        "which is missing!",                                  // Fabric: "Mod 'X' (x) requires ... of 'fabric-api', which is missing!"
        "Missing or unsupported mandatory dependencies",      // Forge / NeoForge mod list check
        "is missing mandatory dependencies",
        "UnknownDependencyException",                         // Bukkit/Spigot
        "Unknown/missing dependency plugins",                 // Bukkit/Spigot plugin loader
        "Could not find required dependency",
        "depends on missing plugin",
        "command not found",
        "error while loading shared libraries",
        "cannot open shared object file",
        "Unable to access jarfile",
        "Could not find or load main class",
    ];

    private static readonly string[] ModOrPluginError =
    [
        // Forge / NeoForge
        "net.minecraftforge.fml.ModLoadingException",
        "net.neoforged.fml.ModLoadingException",
        "LoadingFailedException",
        "Mod loading has failed",
        "Loading errors encountered",
        "Failed to load mod",
        "FMLModContainer",
        "caught exception during mod loading",
        // Fabric / Quilt
        "net.fabricmc.loader.impl.FormattedException",
        "Could not execute entrypoint stage",
        "Mixin apply failed",
        "MixinApplyError",
        "org.spongepowered.asm.mixin.transformer.throwables",
        "Incompatible mods found!",
        "Incompatible mod set!",
        // Bukkit / Spigot / Paper
        "org.bukkit.plugin.InvalidPluginException",
        "org.bukkit.plugin.InvalidDescriptionException",
        "Could not load 'plugins/",
        "Error occurred while enabling",
        "Error occurred while disabling",
        "Ambiguous plugin name",
        "Could not load plugin",
        "Plugin loading failed",
    ];

    /// <param name="exitCode">The process's exit code, null when it was ended by a signal.</param>
    /// <param name="signal">The signal that ended it, null when it exited.</param>
    /// <param name="logTail">Its last console lines, oldest first.</param>
    /// <param name="oomKillCounterRose">The cgroup's <c>memory.events</c> <c>oom_kill</c> rose during the run.</param>
    /// <param name="memoryPressure">Memory was at (or near) the cgroup's limit when it died; makes a bare SIGKILL an OOM kill.</param>
    public static CrashClassification Classify(
        int? exitCode, int? signal, IReadOnlyList<string> logTail, bool oomKillCounterRose, bool memoryPressure)
    {
        var killed = signal == SigKill || exitCode == KilledExitCode;
        if (oomKillCounterRose || (killed && memoryPressure) || Mentions(logTail, OutOfMemory))
            return CrashClassification.Oom;
        if (Mentions(logTail, MissingDependency)) return CrashClassification.MissingDependency;
        if (Mentions(logTail, ModOrPluginError)) return CrashClassification.ModOrPluginError;
        return exitCode is 0 && signal is null ? CrashClassification.UnexpectedExit : CrashClassification.NonzeroExit;
    }

    private static bool Mentions(IReadOnlyList<string> lines, string[] patterns)
    {
        foreach (var line in lines)
            foreach (var pattern in patterns)
                if (line.Contains(pattern, StringComparison.Ordinal)) return true;
        return false;
    }
}
