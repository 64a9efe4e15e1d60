using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Agent.Commands;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// The portal's file browser, jailed to <c>FilesRoot</c> (the workspace, or a game server's root).
/// Paths are relative to it and travel in the query string.
/// <code>
/// GET    /files?path=                  list a directory
/// GET    /files/content?path=          read a file (streamed, with Content-Length)
/// PUT    /files/content?path=          replace a file whole (atomic)            Idempotency-Key
/// POST   /files/mkdir?path=            create one directory                      Idempotency-Key
/// POST   /files/rename?from=&amp;to=       move an entry, never replacing          Idempotency-Key
/// DELETE /files?path=[&amp;recursive=true] delete a file, link, directory or tree     Idempotency-Key
/// </code>
/// </summary>
public static class FilesApi
{
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder routes)
    {
        var files = routes.MapGroup("/files");
        files.MapGet("", List);
        files.MapGet("/content", Read);
        files.MapPut("/content", Write).AddEndpointFilter<IdempotentCommandFilter>();
        files.MapPost("/mkdir", CreateDirectory).AddEndpointFilter<IdempotentCommandFilter>();
        files.MapPost("/rename", Rename).AddEndpointFilter<IdempotentCommandFilter>();
        files.MapDelete("", Delete).AddEndpointFilter<IdempotentCommandFilter>();
        return routes;
    }

    private static Results<Ok<FileListing>, ProblemHttpResult> List(FileTree tree, string? path)
    {
        var parsed = JailedPath.Parse(path);
        if (!parsed.Ok) return Problem(tree, parsed.Error, path);
        var listing = tree.List(parsed.Value!);
        return listing.Ok ? TypedResults.Ok(listing.Value) : Problem(tree, listing.Error, path);
    }

    private static Results<FileStreamHttpResult, ProblemHttpResult> Read(FileTree tree, string? path)
    {
        var parsed = JailedPath.Parse(path);
        if (!parsed.Ok) return Problem(tree, parsed.Error, path);
        var stream = tree.OpenRead(parsed.Value!);
        // A seekable stream: the result sets Content-Length from it and disposes it when sent.
        return stream.Ok ? TypedResults.File(stream.Value!, "application/octet-stream") : Problem(tree, stream.Error, path);
    }

    // The idempotency filter records a JSON result for repeats, so a write answers with what it wrote (size and
    // digest), never with a stream.
    private static async Task<Results<Ok<FileWritten>, ProblemHttpResult>> Write(FileTree tree, HttpContext http, string? path)
    {
        var parsed = JailedPath.Parse(path);
        if (!parsed.Ok) return Problem(tree, parsed.Error, path);
        // Kestrel's own limit (30 MB by default) would cut uploads the agent is configured to accept;
        // the upload counts bytes itself, against MaxUploadBytes, and stops one byte past it.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        var written = await tree.WriteAsync(parsed.Value!, http.Request.Body, http.Request.ContentLength, http.RequestAborted);
        return written.Ok ? TypedResults.Ok(written.Value) : Problem(tree, written.Error, path);
    }

    private static Results<Ok<FileEntry>, ProblemHttpResult> CreateDirectory(FileTree tree, string? path)
    {
        var parsed = JailedPath.Parse(path);
        if (!parsed.Ok) return Problem(tree, parsed.Error, path);
        var created = tree.CreateDirectory(parsed.Value!);
        return created.Ok ? TypedResults.Ok(created.Value) : Problem(tree, created.Error, path);
    }

    private static Results<Ok<FileRenamed>, ProblemHttpResult> Rename(FileTree tree, string? from, string? to)
    {
        var source = JailedPath.Parse(from);
        if (!source.Ok) return Problem(tree, source.Error, from);
        var target = JailedPath.Parse(to);
        if (!target.Ok) return Problem(tree, target.Error, to);
        var renamed = tree.Rename(source.Value!, target.Value!);
        return renamed.Ok ? TypedResults.Ok(renamed.Value) : Problem(tree, renamed.Error, renamed.Error == FileError.Exists ? to : from);
    }

    private static Results<Ok<FileDeleted>, ProblemHttpResult> Delete(FileTree tree, string? path, bool recursive = false)
    {
        var parsed = JailedPath.Parse(path);
        if (!parsed.Ok) return Problem(tree, parsed.Error, path);
        var deleted = tree.Delete(parsed.Value!, recursive);
        return deleted.Ok ? TypedResults.Ok(deleted.Value) : Problem(tree, deleted.Error, path);
    }

    private static ProblemHttpResult Problem(FileTree tree, FileError error, string? path) =>
        FileProblems.For(error, (path ?? "").Replace("\0", "\\0"), tree.MaxUploadBytes);
}
