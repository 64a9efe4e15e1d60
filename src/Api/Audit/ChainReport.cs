using ZeroLagHub.Api.Audit.Chain;

namespace ZeroLagHub.Api.Audit;

/// <summary>The hash chain of every stream: how many were checked and each one that is broken.</summary>
public sealed record ChainReport(long StreamsChecked, long EventsChecked, IReadOnlyList<StreamVerification> Broken)
{
    public bool Intact => Broken.Count == 0;
}
