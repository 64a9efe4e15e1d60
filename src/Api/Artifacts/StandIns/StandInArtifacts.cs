using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Artifacts.StandIns;

/// <summary>
/// Small stand-ins for the real artifacts, for tests and the quick mode (<c>Artifacts:StandIns</c>): runtimes
/// whose <c>bin/</c> tools print a version marked "(zlh stand-in)", a stand-in code-server (a Python HTTP server
/// on the Unix socket <c>--socket</c> names, with the mode <c>--socket-mode</c> gives, as the real one does, and a
/// WebSocket echo on every path) and a stand-in game server that logs like a Minecraft server, becomes ready, obeys
/// <c>stop</c> and can be told to crash. Every catalog entry says <c>"standIn": true</c>. The game server is always
/// a stand-in: no real game server is reachable from this machine's registries.
/// </summary>
public static class StandInArtifacts
{
    /// <summary>Adds the stand-ins the catalog lacks; what it already lists (a real, built artifact) is kept.</summary>
    public static void AddTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "_catalog.json");
        var catalog = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? [] : [];
        void Add(string section, string name, string version, Func<CatalogArtifact> write)
        {
            var versions = (catalog[section] ??= new JsonObject())[name] ??= new JsonObject();
            if (versions[version] is null) versions[version] = JsonSerializer.SerializeToNode(write(), JsonSerializerOptions.Web);
        }

        Add("runtimes", "node", "24", () => Runtime(directory, "node", "24", "node", "node", "v24.0.0"));
        Add("runtimes", "python", "3.12", () => Runtime(directory, "python", "3.12", "python", "python3", "Python 3.12.0"));
        Add("runtimes", "go", "1.22", () => Runtime(directory, "go", "1.22", "go", "go", "go version go1.22.0 linux/amd64"));
        Add("runtimes", "java", "21", () => Runtime(directory, "java", "21", "jdk", "java", "openjdk 21"));
        Add("addons", "code-server", "4.96.4", () => Write(directory, "code-server-4.96.4-linux-amd64.tar.gz", "code-server", new()
        {
            ["code-server-4.96.4-linux-amd64/bin/code-server"] = (CodeServerLauncher, true),
            ["code-server-4.96.4-linux-amd64/lib/standin.py"] = (CodeServerStandIn, false),
        }));
        Add("addons", "minecraft-standin", "1.21", () => Write(directory, "minecraft-standin-1.21.tar.gz", "minecraft-standin", new()
        {
            ["minecraft-standin-1.21/start.sh"] = (GameServerStandIn, true),
        }));
        // By rename: the API re-reads the catalog when it changes and must never read half of it.
        File.WriteAllText(path + ".tmp", catalog.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static CatalogArtifact Runtime(string directory, string runtime, string version, string prefix, string tool, string banner) =>
        Write(directory, $"{prefix}-{version}.tar.gz", prefix, new()
        {
            [$"{prefix}-{version}/bin/{tool}"] = ($"#!/bin/sh\n# ZeroLagHub stand-in {runtime} {version}: not the real runtime (Artifacts:StandIns).\necho '{banner} (zlh stand-in)'\n", true),
        });

    private static CatalogArtifact Write(string directory, string file, string prefix, Dictionary<string, (string Content, bool Executable)> entries)
    {
        var path = Path.Combine(directory, file);
        using (var output = File.Create(path))
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, (content, executable)) in entries)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                };
                tar.WriteEntry(entry);
            }
        }
        var bytes = File.ReadAllBytes(path);
        return new CatalogArtifact(file, prefix, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, StandIn: true);
    }

    private const string CodeServerLauncher = """
        #!/bin/sh
        # ZeroLagHub stand-in code-server (not the real one): serves the workspace over HTTP on the Unix socket --socket names.
        ROOT=$(cd "$(dirname "$0")/.." && pwd)
        exec python3 "$ROOT/lib/standin.py" "$@"

        """;

    // A WebSocket on any path echoes every message, after a first text message naming the Host and
    // X-Forwarded-Prefix it was reached with (what the real code-server's origin check depends on).
    // Like code-server: a stale socket file replaced, the --socket-mode (octal) applied; here before
    // listening, so that no connection comes in while the socket is still open to others. Unlike it,
    // a Unix socket only: without --socket it refuses to start rather than open a TCP port.
    private const string CodeServerStandIn = """
        import base64, hashlib, http.server, os, socketserver, struct, sys

        class Handler(http.server.SimpleHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def address_string(self):
                return "unix"   # a Unix socket's peer has no address to log

            def do_GET(self):
                if self.headers.get("Upgrade", "").lower() != "websocket":
                    return super().do_GET()
                key = self.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
                self.send_response(101)
                self.send_header("Upgrade", "websocket")
                self.send_header("Connection", "Upgrade")
                self.send_header("Sec-WebSocket-Accept", base64.b64encode(hashlib.sha1(key.encode()).digest()).decode())
                self.end_headers()
                self.close_connection = True
                self.send_frame(0x81, ("host=%s prefix=%s" % (self.headers.get("Host"), self.headers.get("X-Forwarded-Prefix"))).encode())
                while True:
                    head = self.rfile.read(2)
                    if len(head) < 2:
                        return
                    opcode, length = head[0] & 0x0F, head[1] & 0x7F
                    if length == 126:
                        length = struct.unpack(">H", self.rfile.read(2))[0]
                    elif length == 127:
                        length = struct.unpack(">Q", self.rfile.read(8))[0]
                    mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
                    data = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
                    if opcode == 8:
                        self.send_frame(0x88, data[:2])
                        return
                    if opcode in (0, 1, 2):
                        self.send_frame(head[0], data)
                    elif opcode == 9:
                        self.send_frame(0x8A, data)

            def send_frame(self, first, data):
                n = len(data)
                size = bytes([n]) if n < 126 else struct.pack(">BH", 126, n) if n < 65536 else struct.pack(">BQ", 127, n)
                self.wfile.write(bytes([first]) + size + data)
                self.wfile.flush()

        class Server(socketserver.ThreadingUnixStreamServer):
            daemon_threads = True

        args = sys.argv[1:]
        if "--socket" not in args:
            sys.exit("zlh stand-in code-server: serves on a Unix socket only: --socket PATH [--socket-mode MODE] required")
        path = args[args.index("--socket") + 1]
        if os.path.lexists(path):
            os.unlink(path)
        os.chdir(args[-1])
        server = Server(path, Handler, bind_and_activate=False)
        server.server_bind()
        if "--socket-mode" in args:
            os.chmod(path, int(args[args.index("--socket-mode") + 1], 8))
        server.server_activate()
        server.serve_forever()

        """;

    private const string GameServerStandIn = """
        #!/bin/bash
        # ZeroLagHub stand-in game server (no real game server is reachable here): logs like a Minecraft server. Console commands: stop, crash, oom, say <text>.
        echo "[Server thread/INFO]: Starting minecraft server version 1.21 (zlh stand-in)"
        sleep 1
        echo "[Server thread/INFO]: Preparing level \"world\""
        echo "[Server thread/INFO]: Done (1.042s)! For help, type \"help\""
        while read -r line; do
          case "$line" in
            stop) echo "[Server thread/INFO]: Stopping the server"; exit 0 ;;
            crash) echo "[Server thread/ERROR]: Encountered an unexpected exception"; echo "java.lang.IllegalStateException: demo crash"; exit 1 ;;
            oom) echo "java.lang.OutOfMemoryError: Java heap space"; exit 137 ;;
            say\ *) echo "[Server thread/INFO]: [Server] ${line#say }" ;;
            *) echo "[Server thread/INFO]: Unknown command. Type \"help\" for help." ;;
          esac
        done

        """;
}
