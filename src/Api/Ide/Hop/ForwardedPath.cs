namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>
/// Path-mode helpers: an app mounted under a prefix (code-server has no base-path option and uses relative
/// URLs) sees the path with the prefix removed, and the bare prefix is redirected to <c>prefix/</c> so that
/// its relative URLs resolve beneath it.
/// </summary>
public static class ForwardedPath
{
    /// <summary>
    /// <c>/ide/a/b</c> with prefix <c>/ide</c> → <c>/a/b</c>; <c>/ide/</c> → <c>/</c>. False when the path is not
    /// beneath the prefix, or is the bare prefix (which should be answered with <see cref="RedirectToSlash"/>).
    /// Note that a route template <c>/ide/{**rest}</c> matches <c>/ide</c> and <c>/ide/</c> alike: this tells them apart.
    /// </summary>
    public static bool TryStrip(PathString path, PathString prefix, out PathString rest)
    {
        rest = default;
        if (!path.StartsWithSegments(prefix, StringComparison.Ordinal, out var remaining) || !remaining.HasValue) return false;
        rest = remaining;
        return true;
    }

    /// <summary>
    /// A 307 (method and body kept) to the same URL with a trailing slash, query kept. The Location is
    /// relative (<c>ide/</c> for <c>…/ide</c>), so it is right however many hops stripped a prefix before us.
    /// </summary>
    public static IResult RedirectToSlash(HttpContext context)
    {
        var path = context.Request.Path.ToUriComponent();
        var lastSegment = path[(path.LastIndexOf('/') + 1)..];
        return Results.Redirect(lastSegment + "/" + context.Request.QueryString.Value, permanent: false, preserveMethod: true);
    }
}
