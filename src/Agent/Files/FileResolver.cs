namespace ZeroLagHub.Agent.Files;

/// <summary>Which <see cref="IBeneathOpener"/> the file browser uses.</summary>
public enum FileResolver
{
    /// <summary>openat2 where the kernel and seccomp allow it, else the component walk.</summary>
    Auto,
    Openat2,
    /// <summary>The per-component O_NOFOLLOW walk, e.g. to test it on a kernel that has openat2.</summary>
    Walk,
}
