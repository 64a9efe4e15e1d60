namespace ZeroLagHub.Agent.Holder;

/// <summary>
/// What a frame on the holder's socket carries. A frame is <c>[type: 1 byte][length: 4 bytes, little
/// endian][payload]</c>; JSON payloads use <see cref="System.Text.Json.JsonSerializerOptions.Web"/>.
/// </summary>
public enum HolderFrameType : byte
{
    // Holder → agent.
    /// <summary>First frame on every connection: <see cref="HolderHello"/> (JSON).</summary>
    Hello = 1,
    /// <summary>Terminal output since the last frame (raw bytes).</summary>
    Output = 2,
    /// <summary>Sent once after <see cref="Hello"/>: the recent output (raw bytes) a reattaching agent missed.</summary>
    Replay = 3,
    /// <summary>The server exited: <see cref="HolderExit"/> (JSON), already on disk when this is sent. Last frame.</summary>
    Exit = 4,

    // Agent → holder.
    /// <summary>Keyboard input for the terminal (raw bytes).</summary>
    Input = 10,
    /// <summary>Window size: rows then cols, two little-endian uint16.</summary>
    Resize = 11,
    /// <summary>Send a signal (little-endian int32) to the server's process group.</summary>
    Signal = 12,
    /// <summary>Someone asked for this exit: it is recorded in the exit file, so it is not taken for a crash.</summary>
    StopRequested = 13,
}
