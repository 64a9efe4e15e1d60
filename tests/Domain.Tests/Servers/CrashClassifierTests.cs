using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Tests.Servers;

public sealed class CrashClassifierTests
{
    private static readonly string[] VanillaStartup =
    [
        "[12:00:01] [main/INFO]: Environment: Environment[sessionHost=https://sessionserver.mojang.com, name=PROD]",
        "[12:00:03] [Worker-Main-1/INFO]: Preparing spawn area: 0%",
        "[12:00:05] [Server thread/INFO]: Done (4.183s)! For help, type \"help\"",
        "[12:03:10] [Server thread/INFO]: Steve joined the game",
    ];

    public static TheoryData<string, int?, int?, string[], bool, bool, CrashClassification> Cases => new()
    {
        {
            "heap exhausted in the server thread", 1, null,
            [.. VanillaStartup,
                "[12:41:07] [Server thread/ERROR]: Encountered an unexpected exception",
                "java.lang.OutOfMemoryError: Java heap space",
                "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
                "\tat net.minecraft.world.level.chunk.storage.RegionFile.write(RegionFile.java:244)"],
            false, false, CrashClassification.Oom
        },
        {
            "JVM cannot reserve its heap", 1, null,
            ["Error occurred during initialization of VM",
                "There is insufficient memory for the Java Runtime Environment to continue.",
                "# Native memory allocation (mmap) failed to map 4294967296 bytes for committing reserved memory."],
            false, false, CrashClassification.Oom
        },
        { "kernel OOM killer, seen in the cgroup counter", null, 9, VanillaStartup, true, false, CrashClassification.Oom },
        { "SIGKILL at the memory limit", null, 9, VanillaStartup, false, true, CrashClassification.Oom },
        { "137 from a wrapper script at the memory limit", 137, null, VanillaStartup, false, true, CrashClassification.Oom },
        { "SIGKILL with memory to spare is not an OOM", null, 9, VanillaStartup, false, false, CrashClassification.NonzeroExit },
        {
            "Forge: a mod fails during loading", 1, null,
            ["[12:00:02] [main/INFO] [cp.mo.mo.Launcher/MODLAUNCHER]: ModLauncher running: args [--launchTarget, forgeserver]",
                "[12:00:09] [modloading-worker-0/ERROR] [ne.mi.fm.ja.FMLModContainer/LOADING]: Failed to create mod instance. ModID: create, class com.simibubi.create.Create",
                "java.lang.IllegalStateException: Registry is already frozen",
                "[12:00:09] [main/FATAL] [ne.mi.fm.ModLoader/LOADING]: Failed to complete lifecycle event CONSTRUCT, 1 errors found",
                "net.minecraftforge.fml.ModLoadingException: Create (create) has failed to load correctly"],
            false, false, CrashClassification.ModOrPluginError
        },
        {
            "NeoForge: loading errors screen on a dedicated server", 1, null,
            ["[12:00:11] [main/ERROR] [ne.ne.fm.ModLoader/LOADING]: Loading errors encountered:",
                "\t- Mod 'examplemod' encountered an error during the common_setup event phase",
                "net.neoforged.fml.ModLoadingException: Loading errors encountered"],
            false, false, CrashClassification.ModOrPluginError
        },
        {
            "Fabric: an entrypoint throws", 255, null,
            ["[12:00:04] [main/INFO]: Loading 57 mods:",
                "[12:00:06] [main/ERROR]: Failed to start the minecraft server",
                "java.lang.RuntimeException: Could not execute entrypoint stage 'main' due to errors, provided by 'lithium'!",
                "\tat net.fabricmc.loader.impl.FabricLoaderImpl.lambda$invokeEntrypoints$2(FabricLoaderImpl.java:388)"],
            false, false, CrashClassification.ModOrPluginError
        },
        {
            "Fabric: a mixin does not apply", 255, null,
            ["[12:00:06] [main/ERROR]: Mixin apply failed sodium.mixins.json:core.MinecraftServerMixin -> net.minecraft.server.MinecraftServer",
                "org.spongepowered.asm.mixin.transformer.throwables.MixinTransformerError: An unexpected critical error was encountered"],
            false, false, CrashClassification.ModOrPluginError
        },
        {
            "Paper: a plugin fails to enable and takes the server down", 1, null,
            ["[12:00:03 INFO]: [Essentials] Enabling Essentials v2.20.1",
                "[12:00:03 ERROR]: Error occurred while enabling Essentials v2.20.1 (Is it up to date?)",
                "java.lang.IllegalArgumentException: Plugin already initialized!",
                "\tat org.bukkit.plugin.java.PluginClassLoader.initialize(PluginClassLoader.java:230)"],
            false, false, CrashClassification.ModOrPluginError
        },
        {
            "Spigot: a plugin jar without plugin.yml", 1, null,
            ["[12:00:02] [Server thread/ERROR]: Could not load 'plugins/BrokenPlugin.jar' in folder 'plugins'",
                "org.bukkit.plugin.InvalidDescriptionException: Invalid plugin.yml"],
            false, false, CrashClassification.ModOrPluginError
        },
        {
            "Forge: a missing class is more specific than the mod failure around it", 1, null,
            ["[12:00:09] [main/FATAL] [ne.mi.fm.ModLoader/LOADING]: Failed to complete lifecycle event CONSTRUCT, 1 errors found",
                "net.minecraftforge.fml.ModLoadingException: Waystones (waystones) has failed to load correctly",
                "java.lang.NoClassDefFoundError: net/blay09/mods/balm/api/Balm",
                "Caused by: java.lang.ClassNotFoundException: net.blay09.mods.balm.api.Balm"],
            false, false, CrashClassification.MissingDependency
        },
        {
            "Forge: a mandatory dependency is missing", 1, null,
            ["[12:00:07] [main/ERROR] [ne.mi.fm.ModSorter/LOADING]: Missing or unsupported mandatory dependencies:",
                "\tMod ID: 'geckolib', Requested by: 'alexsmobs', Expected range: '[4.2,)', Actual version: '[MISSING]'"],
            false, false, CrashClassification.MissingDependency
        },
        {
            "Fabric: a mod requires one which is missing", 255, null,
            ["[12:00:04] [main/ERROR]: Incompatible mods found!",
                "net.fabricmc.loader.impl.FormattedException: Some of your mods are incompatible with the game or each other!",
                "\t - Mod 'Mod Menu' (modmenu) 9.0.0 requires version 0.91.0 or later of mod 'Fabric API' (fabric-api), which is missing!"],
            false, false, CrashClassification.MissingDependency
        },
        {
            "Spigot: a plugin depends on one that is not installed", 1, null,
            ["[12:00:02] [Server thread/ERROR]: Could not load 'plugins/ChestShop.jar' in folder 'plugins'",
                "org.bukkit.plugin.UnknownDependencyException: Unknown/missing dependency plugins: [Vault]. Please download and install these plugins to run 'ChestShop'."],
            false, false, CrashClassification.MissingDependency
        },
        { "the start script's java is not installed", 127, null, ["./start.sh: line 3: java: command not found"], false, false, CrashClassification.MissingDependency },
        {
            "a native library is missing", 127, null,
            ["./bedrock_server: error while loading shared libraries: libssl.so.1.1: cannot open shared object file: No such file or directory"],
            false, false, CrashClassification.MissingDependency
        },
        {
            "a failed world load exits 1", 1, null,
            [.. VanillaStartup, "[12:05:00] [Server thread/ERROR]: Failed to load level: level.dat is corrupt", "[12:05:00] [Server thread/INFO]: Stopping server"],
            false, false, CrashClassification.NonzeroExit
        },
        { "killed by SIGSEGV", null, 11, VanillaStartup, false, false, CrashClassification.NonzeroExit },
        {
            "exit 0 that nobody asked for", 0, null,
            [.. VanillaStartup, "[12:10:00] [Server thread/INFO]: Stopping the server", "[12:10:01] [Server thread/INFO]: Saving worlds"],
            false, false, CrashClassification.UnexpectedExit
        },
        {
            "a player saying 'OutOfMemoryError' in chat is just chat — unless it is the class name", 0, null,
            [.. VanillaStartup, "[12:04:00] [Server thread/INFO]: <Steve> my client had an out of memory error lol"],
            false, false, CrashClassification.UnexpectedExit
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ClassifiesRealisticLogTails(string because, int? exitCode, int? signal, string[] tail, bool oomKillRose, bool pressure, CrashClassification expected)
    {
        Assert.True(expected == CrashClassifier.Classify(exitCode, signal, tail, oomKillRose, pressure), because);
    }

    [Fact]
    public void AnEmptyTailFallsBackToTheExitStatus()
    {
        Assert.Equal(CrashClassification.NonzeroExit, CrashClassifier.Classify(2, null, [], false, false));
        Assert.Equal(CrashClassification.UnexpectedExit, CrashClassifier.Classify(0, null, [], false, false));
    }
}
