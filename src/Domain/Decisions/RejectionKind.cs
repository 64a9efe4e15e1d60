namespace ZeroLagHub.Domain.Decisions;

/// <summary>Why a command was refused; each kind maps to one HTTP status.</summary>
public enum RejectionKind
{
    /// <summary>The command itself is malformed (a bad name, a runtime not in the catalog…): HTTP 400, with field errors.</summary>
    InvalidInput,

    /// <summary>The command is well formed but the aggregate's state forbids it now: HTTP 409, with the reason in words.</summary>
    InvalidTransition,

    /// <summary>
    /// No such stream, or one the acting user may not see: HTTP 404. The two are deliberately the same
    /// answer, so another user's container's existence is not revealed.
    /// </summary>
    NotFound,
}
