namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// The link-by-link check both verifiers run, as a SQL fragment over a set of streams (<c>@streams</c>)
/// and, per stream, the last version to check (<c>@upto</c>, aligned with <c>@streams</c>). It yields one
/// row per event or link, with <c>problem</c> set where the two disagree:
/// 1 the event is gone but its link remains; 2 the event has no link; 3 links (and so events) are missing
/// before this one; 4 the link's hash does not match the event's content and the previous link.
/// <c>reported</c> is the first version the problem concerns.
/// </summary>
/// <remarks>
/// Each link is checked against its own stored <c>prev_hash</c> and that against the previous link's
/// hash, so an edited event is flagged exactly and its successor still checks out; a chain rewritten
/// consistently from an edit onwards passes here and is caught by the anchors (<see cref="AnchorComparison"/>).
/// </remarks>
internal static class ChainCheck
{
    public static string Cte(ChainTables t) => $"""
        wanted AS (
            SELECT * FROM unnest(@streams::{t.StreamIdType}[], @upto) AS w(stream_id, upto)
        ), links AS (
            SELECT c.stream_id, c.version, c.prev_hash, c.hash,
                   lag(c.hash) OVER w AS before_hash,
                   c.version - coalesce(lag(c.version) OVER w, 0) AS step
              FROM {t.Chain} c JOIN wanted USING (stream_id)
             WHERE c.version <= wanted.upto
            WINDOW w AS (PARTITION BY c.stream_id ORDER BY c.version)
        ), events AS (
            SELECT e.stream_id, e.version, to_jsonb(e) AS row
              FROM {t.Events} e JOIN wanted USING (stream_id)
             WHERE e.version <= wanted.upto
        ), checked AS (
            SELECT coalesce(l.stream_id, e.stream_id) AS stream_id,
                   coalesce(l.version, e.version) AS version,
                   e.version IS NOT NULL AS present,
                   CASE WHEN l.step <> 1 THEN 3
                        WHEN e.version IS NULL THEN 1
                        WHEN l.version IS NULL THEN 2
                        WHEN l.prev_hash <> coalesce(l.before_hash, ''::bytea)
                          OR l.hash <> {t.LinkHash}(l.prev_hash, e.row) THEN 4
                   END AS problem,
                   CASE WHEN l.step <> 1 THEN l.version - l.step + 1 ELSE coalesce(l.version, e.version) END AS reported
              FROM links l FULL JOIN events e ON e.stream_id = l.stream_id AND e.version = l.version
        ), per_stream AS (
            SELECT stream_id,
                   count(*) FILTER (WHERE present) AS present,
                   max(version) FILTER (WHERE present) AS last_version,
                   min(reported) FILTER (WHERE problem IS NOT NULL) AS first_broken,
                   (array_agg(problem ORDER BY reported, problem) FILTER (WHERE problem IS NOT NULL))[1] AS problem
              FROM checked GROUP BY stream_id
        )
        """;

    /// <summary>Why <paramref name="version"/> fails, in the auditor's words.</summary>
    public static string Reason(int problem, long version) => problem switch
    {
        1 or 3 => $"version {version} is missing",
        2 => $"version {version} has no link in the hash chain (appended while the chain trigger was missing or disabled)",
        _ => $"the hash of version {version} does not match its content and predecessor",
    };
}
