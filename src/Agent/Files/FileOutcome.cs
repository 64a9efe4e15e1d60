namespace ZeroLagHub.Agent.Files;

/// <summary>A value or the reason there is none; <see cref="Errno"/> is kept for the log, never sent to clients.</summary>
public readonly record struct FileOutcome<T>(T? Value, FileError Error, int Errno = 0)
{
    public bool Ok => Error == FileError.None;

    public static implicit operator FileOutcome<T>(T value) => new(value, FileError.None);

    public static implicit operator FileOutcome<T>(FileError error) => new(default, error);

    public FileOutcome<TOther> As<TOther>() => new(default, Error, Errno);
}
