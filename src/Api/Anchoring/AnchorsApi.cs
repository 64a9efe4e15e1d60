using System.Text.Json;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Problems;

namespace ZeroLagHub.Api.Anchoring;

/// <summary>
/// <c>/api/audit/anchors</c>: write a signed checkpoint now (admin), list them, and verify the
/// database against one (auditor), given either as the anchor JSON itself or by its file name.
/// </summary>
public static class AnchorsApi
{
    public static IEndpointRouteBuilder MapAnchorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit/anchors").WithTags("Audit").RequireAuthorization(AuthPolicies.Auditor);
        group.MapPost("", Write).RequireAuthorization(AuthPolicies.Admin).Produces<AnchorWritten>(StatusCodes.Status201Created);
        group.MapGet("", (Anchors anchors) => TypedResults.Ok(anchors.List()));
        // An anchor holds every stream's head (about 150 bytes each): room for 100,000 streams.
        group.MapPost("/verify", Verify).WithBodyLimit(new BodyLimit(16 * 1024 * 1024)).Produces<AnchorVerification>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static async Task<IResult> Write(Anchors anchors, CancellationToken ct)
    {
        var written = await anchors.WriteAsync(ct);
        return TypedResults.Created($"/api/audit/anchors/{written.File}", written);
    }

    private static async Task<IResult> Verify(HttpRequest request, Anchors anchors, CancellationToken ct)
    {
        const string Expected = "send an anchor file's JSON, or {\"file\": \"anchor-….json\"} for one in the anchors directory";
        JsonElement body;
        try
        {
            body = await request.ReadFromJsonAsync<JsonElement>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Problem(StatusCodes.Status400BadRequest, $"the body is not JSON: {Expected}");
        }

        SignedCheckpoint? anchor;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("file", out var file))
        {
            var name = file.ValueKind == JsonValueKind.String ? file.GetString()! : "";
            if (!Anchors.IsAnchorFileName(name))
                return Problem(StatusCodes.Status400BadRequest, $"'{name}' is not an anchor file name (anchor-<time>-<id>.json, no directories)");
            anchor = await anchors.LoadAsync(name, ct);
            if (anchor is null) return Problem(StatusCodes.Status404NotFound, $"no anchor file {name} (GET /api/audit/anchors lists them)");
        }
        else
        {
            try
            {
                anchor = body.Deserialize<SignedCheckpoint>(Checkpoint.Json);
            }
            catch (JsonException e)
            {
                return Problem(StatusCodes.Status400BadRequest,
                    $"the body is not an anchor ({UnreadableBody.FromJson(e, typeof(SignedCheckpoint), Checkpoint.Json).Detail}): {Expected}");
            }
            if (anchor?.Checkpoint?.Streams is null || anchor.Signature is null)
                return Problem(StatusCodes.Status400BadRequest, $"the body lacks checkpoint or signature: {Expected}");
        }

        if (anchor.Checkpoint.Format != Checkpoint.CurrentFormat)
            return Problem(StatusCodes.Status422UnprocessableEntity,
                $"the anchor is in format '{anchor.Checkpoint.Format}'; this server checks '{Checkpoint.CurrentFormat}' anchors only. " +
                "Anchors written before the events moved to Marten hold hashes of the old chain: verify them against a backup of that database");
        if (!anchors.IsSignedByUs(anchor))
            return Problem(StatusCodes.Status422UnprocessableEntity,
                $"the checkpoint's signature does not verify with this server's anchor key: it was altered, or signed by key {anchor.KeyId}");
        return TypedResults.Ok(await anchors.CompareAsync(anchor, ct));
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
