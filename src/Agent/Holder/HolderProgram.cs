using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// <c>zlh-agent hold &lt;dir&gt;</c>: the small process that owns a game server and its PTY so that an
/// agent restart or upgrade never kills the server (as dtach/abduco do for a terminal). Started detached
/// (own session, reparented away from the agent), it runs no web host: it starts the server from
/// <c>launch.json</c>, keeps the PTY master, reaps the server with its real wait status and serves a
/// Unix socket (<see cref="HolderFrameType"/>) to whichever agent is up.
/// </summary>
/// <remarks>
/// Steps: (1) bind the socket, 0600 in a 0700 directory; (2) start the server (a failure to start is
/// itself recorded as exit 127); (3) pump PTY output into a 64 KiB replay ring, a log tail and every
/// connected agent; (4) on exit: drain the output, write <c>exit.json</c> (fsynced, renamed into
/// place) BEFORE telling the agents and going away, so an agent that is down learns of the exit later.
/// A connected agent that falls far behind is dropped, never waited for: the server's output must not stall.
/// </remarks>
public static class HolderProgram
{
    private const int ReplayBytes = 64 * 1024;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string directory)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the agent runs in Linux containers");
        var paths = new HolderPaths(Path.GetFullPath(directory));
        var launch = JsonSerializer.Deserialize<HolderLaunch>(await File.ReadAllBytesAsync(paths.Launch), JsonSerializerOptions.Web)
            ?? throw new InvalidDataException($"{paths.Launch} is empty");
        File.Delete(paths.Exit);

        // :: Step 1: the socket, private to the agent's user.
        File.Delete(paths.Socket);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using (var address = new UnixSocketAddress(paths.Socket)) listener.Bind(address.EndPoint);
        File.SetUnixFileMode(paths.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(4);

        // :: Step 2: the server.
        var startedAt = DateTimeOffset.UtcNow;
        PtyProcess pty;
        try
        {
            pty = PtyProcess.Start(new PtyStartInfo(launch.Program, launch.Args, launch.WorkingDirectory, launch.Environment,
                launch.Rows, launch.Cols, launch.RunAs is { } user ? UnixAccount.Find(user) : null));
        }
        catch (IOException e)
        {
            // The shell's wording and code, so the classifier sees a missing dependency.
            WriteExit(paths, new HolderExit(null, startedAt, DateTimeOffset.UtcNow, 127, null, false,
                [$"{launch.Program}: command not found ({e.Message})"]));
            File.Delete(paths.Socket);
            return 0;
        }

        var state = new HeldServer(pty, new HolderHello(Environment.ProcessId, pty.Pid, startedAt), ReplayBytes);
        using var stopAccepting = new CancellationTokenSource();
        var accepting = AcceptLoopAsync(listener, state, stopAccepting.Token);

        // :: Step 3: output until the server is gone (its exit; EOF alone may never come if it left a
        // daemon holding the terminal).
        var pumping = state.PumpAsync();
        var exit = await pty.Exited;
        await Task.WhenAny(pumping, Task.Delay(DrainTimeout));

        // :: Step 4: record first, then tell, then go.
        var record = new HolderExit(pty.Pid, startedAt, DateTimeOffset.UtcNow, exit.ExitCode, exit.Signal, state.StopRequested, state.TailLines());
        WriteExit(paths, record);
        stopAccepting.Cancel();
        File.Delete(paths.Socket);
        await state.FinishAsync(record, DrainTimeout);
        await pty.DisposeAsync();
        try { await accepting; } catch (OperationCanceledException) { }
        return 0;
    }

    private static async Task AcceptLoopAsync(Socket listener, HeldServer state, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var socket = await listener.AcceptAsync(ct);
            _ = state.ServeAsync(new NetworkStream(socket, ownsSocket: true));
        }
    }

    private static void WriteExit(HolderPaths paths, HolderExit record)
    {
        var temp = paths.Exit + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(record, JsonSerializerOptions.Web));
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, paths.Exit, overwrite: true);
    }

    /// <summary>Decodes a <see cref="HolderFrameType.Resize"/> payload.</summary>
    internal static (int Rows, int Cols) ParseResize(byte[] payload) =>
        (BinaryPrimitives.ReadUInt16LittleEndian(payload), BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(2)));
}
