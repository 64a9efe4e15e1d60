using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// Opens a path beneath an open root directory without following any symbolic link and without leaving
/// the root, in one step the dev user cannot race. The contract both implementations keep:
/// a link in any component → <see cref="FileError.Symlink"/>; a component that is not a directory →
/// <see cref="FileError.NotADirectory"/>; the kernel's other refusals mapped by <see cref="ErrnoErrors"/>.
/// </summary>
/// <remarks>
/// Why this exists: the agent runs as root and the workspace belongs to the dev user. "Resolve the
/// path, check it is inside, then open it" is two steps; between them the dev user can replace a
/// directory with a link to <c>/etc</c> and make root write there. Opening relative to a directory fd,
/// with the kernel refusing links during the walk itself, leaves no window between check and use.
/// </remarks>
internal interface IBeneathOpener
{
    /// <param name="relative">A <see cref="JailedPath.ForOpen"/>: no <c>..</c>, not absolute.</param>
    /// <param name="flags">open(2) flags; O_CLOEXEC is always added.</param>
    FileOutcome<Fd> Open(Fd root, string relative, int flags, uint mode = 0);
}
