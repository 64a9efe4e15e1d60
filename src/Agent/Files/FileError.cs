namespace ZeroLagHub.Agent.Files;

/// <summary>
/// Why a file browser operation did not happen. Every one of them changed nothing. Mapped to HTTP in
/// one place, <see cref="FileProblems"/>.
/// </summary>
public enum FileError
{
    None,

    // :: The path itself is unacceptable (400), decided before any system call.
    /// <summary>The path climbs above the root with <c>..</c> (e.g. <c>a/../../b</c>), or the kernel saw it leave the root.</summary>
    Escapes,
    /// <summary>The path starts with <c>/</c>; paths are relative to the root.</summary>
    Absolute,
    /// <summary>The path contains a NUL byte, which would truncate it at the system call.</summary>
    NulByte,
    /// <summary>A component is empty (<c>a//b</c>, a trailing slash).</summary>
    EmptyName,
    /// <summary>A component is longer than 255 bytes, or the whole path longer than 4095.</summary>
    NameTooLong,
    /// <summary>The operation makes no sense on the root itself (delete, rename, write, mkdir).</summary>
    Root,

    // :: What the path leads to is unacceptable (400).
    /// <summary>A component is a symbolic link. Links are never followed, inside the root or out.</summary>
    Symlink,
    /// <summary>A component other than the last is not a directory, or a listing was asked of a file.</summary>
    NotADirectory,
    /// <summary>Read or write of a directory.</summary>
    IsADirectory,
    /// <summary>A FIFO, socket or device: reading one could block the agent or touch hardware.</summary>
    NotARegularFile,
    /// <summary>The kernel refused the rename (a directory into itself, say).</summary>
    InvalidRename,
    /// <summary>Recursive delete of a tree deeper than the agent walks (each level holds a descriptor).</summary>
    TooDeep,

    /// <summary>Nothing at that path (404).</summary>
    NotFound,
    /// <summary>The root directory does not exist yet: the container has not been provisioned (409).</summary>
    NoRoot,

    // :: The state of the tree conflicts with the request (409).
    /// <summary>mkdir or rename onto a name that is taken (rename never replaces).</summary>
    Exists,
    /// <summary>Delete of a non-empty directory without <c>recursive=true</c>.</summary>
    NotEmpty,
    /// <summary>Rename across two mounts inside the root; the kernel cannot do that atomically.</summary>
    CrossDevice,

    /// <summary>The upload is larger than <c>MaxUploadBytes</c> (413); nothing was written.</summary>
    TooLarge,
    /// <summary>The agent's user may not do this (403): only when the agent runs unprivileged.</summary>
    PermissionDenied,
    /// <summary>The disk or quota is full (507); the partial upload was removed.</summary>
    NoSpace,
    /// <summary>Any other errno (500): a broken invariant or an unexpected filesystem, logged with the errno.</summary>
    Io,
}
