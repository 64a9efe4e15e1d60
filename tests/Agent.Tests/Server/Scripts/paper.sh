#!/bin/bash
# A stand-in Paper server: realistic start-up log, the "Done (" ready line, then console commands from
# stdin (the PTY) or from ./command (one line, written by a test; consumed once read).
#   stop   -> saves and exits 0 (what the real server does)
#   crash  -> a tick exception, exit 1
#   oom    -> java.lang.OutOfMemoryError, exit 3 (as with -XX:+ExitOnOutOfMemoryError)
#   exit0  -> exits 0 although nobody asked
#   deaf   -> ignores the stop command and SIGTERM from now on (only SIGKILL ends it)
#   say X  -> prints X
ts() { date +%H:%M:%S; }
echo "[$(ts) INFO]: Starting minecraft server version 1.21.1"
echo "[$(ts) INFO]: Loading properties"
echo "[$(ts) INFO]: This server is running Paper version 1.21.1-119-master@7cd4f2c (MC: 1.21.1)"
echo "[$(ts) INFO]: Preparing level \"world\""
echo "[$(ts) INFO]: Preparing start region for dimension minecraft:overworld"
echo "[$(ts) INFO]: Done (3.142s)! For help, type \"help\""
deaf=0
handle() {
  case "$1" in
    stop)
      if [ $deaf = 1 ]; then echo "[$(ts) INFO]: (not listening)"; return; fi
      echo "[$(ts) INFO]: Stopping the server"; echo "[$(ts) INFO]: Saving worlds"; exit 0 ;;
    crash)
      echo "[$(ts) ERROR]: Encountered an unexpected exception"
      echo "java.lang.IllegalStateException: Ticking entity"
      echo "	at net.minecraft.server.MinecraftServer.tickChildren(MinecraftServer.java:1573)"
      exit 1 ;;
    oom)
      echo "[$(ts) ERROR]: Encountered an unexpected exception"
      echo "java.lang.OutOfMemoryError: Java heap space"
      echo "Terminating due to java.lang.OutOfMemoryError: Java heap space"
      exit 3 ;;
    exit0) exit 0 ;;
    deaf) deaf=1; trap '' TERM; echo "[$(ts) INFO]: deaf now" ;;
    say\ *) echo "[$(ts) INFO]: [Server] ${1#say }" ;;
    "") ;;
    *) echo "[$(ts) INFO]: Unknown command. Type \"/help\" for help." ;;
  esac
}
# A read that times out mid-line (a starved CPU between bytes) keeps what it read in $part: bash drops
# nothing, so add it to the line instead of losing it (the flaky lost "stop" came from that).
line=""
while true; do
  if IFS= read -r -t 0.1 part; then handle "${line}${part%$'\r'}"; line=""; else line+="$part"; fi
  if [ -f command ]; then c=$(cat command); rm -f command; handle "$c"; fi
done
