using System.Runtime.InteropServices;

namespace ZeroLagHub.Agent.Files.Native;

/// <summary>
/// An owned Linux file descriptor, closed exactly once. Directory fds are the anchors every jailed
/// operation is relative to, so their lifetime is what keeps an operation on the directory it resolved.
/// </summary>
internal sealed class Fd : SafeHandle
{
    public Fd(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor for a libc call. Callers hold this Fd in a <c>using</c> across the call.</summary>
    // NOTE: libc takes a 32-bit int; marshalling the SafeHandle itself would pass a pointer-sized value.
    public int Value => (int)handle.ToInt64();

    /// <summary>Hands the descriptor to a new owner (a <see cref="Microsoft.Win32.SafeHandles.SafeFileHandle"/>).</summary>
    public IntPtr Release()
    {
        var raw = handle;
        SetHandleAsInvalid();
        return raw;
    }

    protected override bool ReleaseHandle() => Libc.close(Value) == 0;
}
