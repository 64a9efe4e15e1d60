#!/bin/bash
# A stand-in Fabric server with a mod whose library is not installed.
echo "[12:00:03] [main/INFO]: Loading Minecraft 1.21.1 with Fabric Loader 0.16.5"
echo "[12:00:04] [main/INFO]: Loading 31 mods:"
echo "[12:00:07] [main/ERROR]: Failed to start the minecraft server"
echo "java.lang.RuntimeException: Could not execute entrypoint stage 'main' due to errors, provided by 'waystones'!"
echo "Caused by: java.lang.NoClassDefFoundError: net/blay09/mods/balm/api/Balm"
echo "Caused by: java.lang.ClassNotFoundException: net.blay09.mods.balm.api.Balm"
exit 255
