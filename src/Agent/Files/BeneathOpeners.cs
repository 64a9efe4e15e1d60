using Microsoft.Extensions.Options;

namespace ZeroLagHub.Agent.Files;

/// <summary>Picks the <see cref="IBeneathOpener"/> once, at start-up.</summary>
internal static class BeneathOpeners
{
    // openat2 is preferred: the kernel enforces "beneath, no links" for the whole walk in one call.
    // The walk is equally race-free for our inputs but costs one system call per component and relies
    // on JailedPath having removed "..". Probing once (not per call) keeps a seccomp EPERM from being
    // mistaken for a permission error on a real file later.
    public static IBeneathOpener Create(IOptions<FilesOptions> options) => options.Value.Resolver switch
    {
        FileResolver.Openat2 => new Openat2Opener(),
        FileResolver.Walk => new ComponentWalkOpener(),
        _ => Openat2Opener.IsAvailable() ? new Openat2Opener() : new ComponentWalkOpener(),
    };
}
