using System.Text.Json.Serialization;

namespace ZeroLagHub.Domain.Agent;

/// <summary>What a directory entry is, as the agent saw it without following links.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FileEntryType>))]
public enum FileEntryType
{
    File,
    Dir,
    /// <summary>A symbolic link, reported as itself: the file browser never resolves through links.</summary>
    Symlink,
    /// <summary>A FIFO, socket or device node: listed, but not readable through the file browser.</summary>
    Other,
}
