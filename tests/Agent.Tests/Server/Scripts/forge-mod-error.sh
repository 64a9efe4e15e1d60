#!/bin/bash
# A stand-in Forge server whose mod fails while loading (never reaches "Done (").
echo "[12:00:02] [main/INFO] [cp.mo.mo.Launcher/MODLAUNCHER]: ModLauncher running: args [--launchTarget, forgeserver, --fml.forgeVersion, 47.2.0]"
echo "[12:00:05] [main/INFO] [ne.mi.fm.lo.ModSorter/LOADING]: Found 42 mods"
echo "[12:00:09] [modloading-worker-0/ERROR] [ne.mi.fm.ja.FMLModContainer/LOADING]: Failed to create mod instance. ModID: create, class com.simibubi.create.Create"
echo "java.lang.IllegalStateException: Registry is already frozen"
echo "[12:00:09] [main/FATAL] [ne.mi.fm.ModLoader/LOADING]: Failed to complete lifecycle event CONSTRUCT, 1 errors found"
echo "net.minecraftforge.fml.ModLoadingException: Create (create) has failed to load correctly"
exit 1
