using Microsoft.AspNetCore.Http.HttpResults;

namespace ZeroLagHub.Agent.Files;

/// <summary>The one place a <see cref="FileError"/> becomes an HTTP answer: status, title, and what to fix.</summary>
public static class FileProblems
{
    public static int StatusOf(FileError error) => error switch
    {
        FileError.NotFound => 404,
        FileError.NoRoot or FileError.Exists or FileError.NotEmpty or FileError.CrossDevice => 409,
        FileError.TooLarge => 413,
        FileError.PermissionDenied => 403,
        FileError.NoSpace => 507,
        FileError.Io => 500,
        _ => 400,
    };

    public static ProblemHttpResult For(FileError error, string path, long maxUploadBytes = 0) =>
        TypedResults.Problem(statusCode: StatusOf(error), title: error.ToString(), detail: Detail(error, path, maxUploadBytes),
            extensions: new Dictionary<string, object?> { ["reason"] = error.ToString(), ["path"] = path });

    private static string Detail(FileError error, string path, long max) => error switch
    {
        FileError.Escapes => $"'{path}' leads outside the root; use a path inside it",
        FileError.Absolute => $"'{path}' is absolute; paths are relative to the root (no leading '/')",
        FileError.NulByte => "the path contains a NUL byte",
        FileError.EmptyName => $"'{path}' has an empty component ('//' or a trailing '/')",
        FileError.NameTooLong => "a name is longer than 255 bytes or the path longer than 4095",
        FileError.Root => "this operation cannot be applied to the root itself",
        FileError.Symlink => $"'{path}' goes through a symbolic link; the file browser does not follow links",
        FileError.NotADirectory => $"a component of '{path}' is not a directory",
        FileError.IsADirectory => $"'{path}' is a directory",
        FileError.NotARegularFile => $"'{path}' is not a regular file (a FIFO, socket or device)",
        FileError.InvalidRename => "a directory cannot be moved into itself",
        FileError.TooDeep => "the tree is too deep to delete in one request; delete a subtree first",
        FileError.NotFound => $"nothing at '{path}'",
        FileError.NoRoot => "the root directory does not exist yet (is the container provisioned?)",
        FileError.Exists => $"'{path}' already exists",
        FileError.NotEmpty => $"'{path}' is not empty; pass recursive=true to delete the tree",
        FileError.CrossDevice => "source and target are on different filesystems",
        FileError.TooLarge => $"the upload is larger than the limit of {max} bytes; nothing was written",
        FileError.PermissionDenied => $"the agent may not change '{path}'",
        FileError.NoSpace => "no space left on the device; nothing was written",
        _ => "the operation failed on the filesystem; see the agent log",
    };
}
