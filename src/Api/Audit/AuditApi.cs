using Npgsql;
using ZeroLagHub.Api.Audit.AsOf;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Containers;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Audit;

/// <summary>
/// <c>/api/audit</c>, for auditors (and admins): a container's events and its state at any earlier
/// point, hash-chain verification, NDJSON export, and the command audit log. Read-only. Anchors are in
/// Anchoring/AnchorsApi.cs.
/// </summary>
public static class AuditApi
{
    private const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(AuthPolicies.Auditor);
        group.MapGet("/containers/{id:guid}/events", Events).Produces<AuditEventPage>().ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/containers/{id:guid}/state", State).Produces<ContainerStateAt>().ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/containers/{id:guid}/verify", VerifyContainer).Produces<StreamVerification>().ProducesProblem(404);
        group.MapGet("/verify", VerifyAll).Produces<ChainReport>();
        group.MapGet("/export", Export).Produces<string>(contentType: NdjsonExport.ContentType).ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/commands", Commands).Produces<AuditLogPage>().ProducesProblem(400);
        return app;
    }

    private static async Task<IResult> Events(Guid id, string? fromVersion, string? limit, ChainReader reader, NpgsqlDataSource db,
        CancellationToken ct)
    {
        if (QueryInput.Number("fromVersion", fromVersion, 1, long.MaxValue, 1, out var from) is { } badFrom) return badFrom;
        if (QueryInput.Number("limit", limit, 1, MaxPage, 100, out var size) is { } badLimit) return badLimit;
        var streamId = Container.StreamId(id);
        if (await reader.HeadAsync(streamId, ct) is not { } head) return NoContainer(id);

        var events = await reader.ReadStreamAsync(streamId, from, (int)size, ct);
        long? next = events.Count > 0 && events[^1].Version < head.Version ? events[^1].Version + 1 : null;
        List<AuditEventView> views = [.. events.Select(AuditEventView.From)];
        var users = await FindUserNames.ExecuteAsync(db, [.. views.Select(e => e.UserId).OfType<Guid>().Distinct()], ct);
        return TypedResults.Ok(new AuditEventPage(streamId, head.Version, views, next, users));
    }

    private static async Task<IResult> State(Guid id, string? at, string? version, ChainReader reader, StreamAsOf history, CancellationToken ct)
    {
        if (at is { Length: > 0 } && version is { Length: > 0 })
            return QueryInput.BadRequest("give either at (a time) or version, not both");
        if (QueryInput.Time("at", at, out var asOf) is { } badTime) return badTime;
        if (QueryInput.Number("version", version, 1, long.MaxValue, long.MaxValue, out var upTo) is { } badVersion) return badVersion;
        if (await reader.HeadAsync(Container.StreamId(id), ct) is not { } head) return NoContainer(id);
        if (upTo != long.MaxValue && upTo > head.Version)
            return QueryInput.BadRequest($"version={upTo} is beyond the stream's last version, {head.Version}");

        var (state, folded) = await history.FoldAsync(id, ContainerState.Initial, Container.Evolve, upTo, asOf, ct);
        if (!state.Exists)
            return QueryInput.NotFound(asOf is { } t ? $"container {id} did not exist yet at {t:O}" : $"stream {id} is not a container");
        return TypedResults.Ok(new ContainerStateAt(id, folded, asOf, ContainerView.From(state)));
    }

    private static async Task<IResult> VerifyContainer(Guid id, ChainVerifier verifier, CancellationToken ct) =>
        await verifier.VerifyAsync(Container.StreamId(id), ct) is { } result ? TypedResults.Ok(result) : NoContainer(id);

    private static async Task<IResult> VerifyAll(ChainVerifier verifier, CancellationToken ct)
    {
        long streams = 0, events = 0;
        var broken = new List<StreamVerification>();
        await foreach (var result in verifier.VerifyAllAsync(ct))
        {
            streams++;
            events += result.EventsChecked;
            if (!result.IsIntact) broken.Add(result);
        }
        return TypedResults.Ok(new ChainReport(streams, events, broken));
    }

    private static async Task<IResult> Export(string? stream, string? since, string? until, ChainReader reader, CancellationToken ct)
    {
        if (QueryInput.Time("since", since, out var from) is { } badSince) return badSince;
        if (QueryInput.Time("until", until, out var to) is { } badUntil) return badUntil;
        if (string.IsNullOrEmpty(stream))
        {
            if (from is null && to is null) return QueryInput.BadRequest("give stream=<stream id>, or a time range with since and/or until");
            if (from >= to) return QueryInput.BadRequest("since must be before until");
            return new NdjsonExport(reader.ExportRangeAsync(from, to, ct), "events.ndjson");
        }
        if (from is not null || to is not null) return QueryInput.BadRequest("give stream or a time range, not both");
        if (await reader.HeadAsync(stream, ct) is null) return QueryInput.NotFound($"no stream '{stream}'");
        return new NdjsonExport(reader.ExportStreamAsync(stream, ct), $"{stream}.ndjson");
    }

    private static async Task<IResult> Commands(string? user, string? container, string? since, string? until, string? limit, string? before,
        NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (QueryInput.Id("user", user, out var userId) is { } badUser) return badUser;
        if (QueryInput.Id("container", container, out var containerId) is { } badContainer) return badContainer;
        if (QueryInput.Time("since", since, out var from) is { } badSince) return badSince;
        if (QueryInput.Time("until", until, out var to) is { } badUntil) return badUntil;
        if (QueryInput.Number("limit", limit, 1, MaxPage, 100, out var size) is { } badLimit) return badLimit;
        if (QueryInput.Number("before", before, 1, long.MaxValue, 0, out var beforeId) is { } badBefore) return badBefore;
        var filter = new AuditLogFilter(userId, containerId, from, to, beforeId == 0 ? null : beforeId, (int)size);
        return TypedResults.Ok(await ListAuditLog.ExecuteAsync(dataSource, filter, ct));
    }

    private static IResult NoContainer(Guid id) => QueryInput.NotFound($"no container {id}: it has no event stream");
}
