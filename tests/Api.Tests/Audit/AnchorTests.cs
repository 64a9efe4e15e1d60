using System.Net;
using Alba;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Audit;

/// <summary>
/// Signed checkpoints written outside the database catch what the hash chain alone cannot: a chain an
/// attacker with database access rewrote consistently. A class of its own: it edits its database.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AnchorTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private string Admin() => api.TokenFor(Guid.NewGuid(), "root", Role.User, Role.Admin);

    /// <summary>POST /api/audit/anchors, expecting 201: the file written and its hash.</summary>
    private async Task<JsonElement> WriteAnchorAsync(string admin) =>
        await (await api.SendAsync(admin, x => x.Post.Url("/api/audit/anchors"), HttpStatusCode.Created)).ReadAsJsonAsync<JsonElement>();

    /// <summary>POST /api/audit/anchors/verify with <paramref name="body"/> (a JSON string is sent as it is), expecting 200: the report.</summary>
    private async Task<JsonElement> VerifyAsync(string admin, object body) =>
        await (await api.SendAsync(admin, x => (body is string json ? x.Post.RawJson(json) : x.Post.Json(body)).ToUrl("/api/audit/anchors/verify"),
            HttpStatusCode.OK)).ReadAsJsonAsync<JsonElement>();

    [Fact]
    public async Task AnAnchorIsASignedFileOfEveryStreamHead()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var admin = Admin();

        var written = await WriteAnchorAsync(admin);
        var file = Path.Combine(api.DataDirectory, "anchors", written.GetProperty("file").GetString()!);
        var anchor = JsonNode.Parse(await File.ReadAllTextAsync(file))!;

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file))),
            written.GetProperty("sha256").GetString());
        var stream = anchor["checkpoint"]!["streams"]!.AsArray().Single(s => (string?)s!["stream"] == container.ToString())!;
        Assert.Equal(3, (long)stream["version"]!);
        Assert.True(File.Exists(Path.Combine(api.DataDirectory, "anchors", "anchor-public.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(api.DataDirectory, "anchor-signing.key")));
        var verified = await VerifyAsync(admin, new { file = written.GetProperty("file").GetString() });
        // Other tests of this class edit their own streams; this one's must match.
        Assert.DoesNotContain(verified.GetProperty("discrepancies").EnumerateArray(),
            d => d.GetProperty("streamId").GetString() == container.ToString());
    }

    [Fact]
    public async Task AnEditedEventIsReportedWithItsStreamAndVersion()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var admin = Admin();
        var file = (await WriteAnchorAsync(admin)).GetProperty("file").GetString();

        await api.EditEventAsync(container, 2);

        var report = await VerifyAsync(admin, new { file });
        var found = report.GetProperty("discrepancies").EnumerateArray().Single(d => d.GetProperty("streamId").GetString() == container.ToString());
        Assert.Equal(2, found.GetProperty("version").GetInt64());
        Assert.Contains("altered", found.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AConsistentlyRewrittenChainPassesVerificationButNotTheAnchor()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var admin = Admin();
        var written = await WriteAnchorAsync(admin);
        var anchorJson = await File.ReadAllTextAsync(Path.Combine(api.DataDirectory, "anchors", written.GetProperty("file").GetString()!));

        await api.RewriteChainFromAsync(container, version: 2, head: 3);

        var chain = await api.GetJsonAsync(admin, $"/api/audit/containers/{container}/verify");
        Assert.Equal(JsonValueKind.Null, chain.GetProperty("firstBroken").ValueKind);
        var report = await VerifyAsync(admin, anchorJson);
        Assert.False(report.GetProperty("intact").GetBoolean());
        var found = report.GetProperty("discrepancies").EnumerateArray().Single(d => d.GetProperty("streamId").GetString() == container.ToString());
        Assert.Equal(3, found.GetProperty("version").GetInt64());
        Assert.Contains("rewritten", found.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AnAlteredCheckpointIsRefused()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        var admin = Admin();
        var written = await WriteAnchorAsync(admin);
        var anchor = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(api.DataDirectory, "anchors", written.GetProperty("file").GetString()!)))!;
        // The attacker's move after rewriting a chain: make the checkpoint agree with it.
        var stream = anchor["checkpoint"]!["streams"]!.AsArray().Single(s => (string?)s!["stream"] == container.ToString())!;
        stream["hash"] = new string('0', 64);

        await api.ProblemShouldSayAsync(admin, x => x.Post.RawJson(anchor.ToJsonString()).ToUrl("/api/audit/anchors/verify"),
            HttpStatusCode.UnprocessableEntity, "signature does not verify");
        await api.ProblemShouldSayAsync(admin, x => x.Post.Json(new { file = "../auth-signing.key" }).ToUrl("/api/audit/anchors/verify"),
            HttpStatusCode.BadRequest, "not an anchor file name");
        await api.ProblemShouldSayAsync(admin, x => x.Post.Json(new { file = "anchor-20260101T000000000Z-abcdef.json" }).ToUrl("/api/audit/anchors/verify"),
            HttpStatusCode.NotFound, "no anchor file");
    }

    [Fact]
    public async Task OnlyAdminsWriteAnchors()
    {
        var auditor = api.TokenFor(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);
        var user = api.TokenFor(Guid.NewGuid());

        await api.SendAsync(auditor, x => x.Post.Url("/api/audit/anchors"), HttpStatusCode.Forbidden);
        await api.SendAsync(auditor, x => x.Get.Url("/api/audit/anchors"), HttpStatusCode.OK);
        await api.SendAsync(user, x => x.Post.Json(new { file = "x" }).ToUrl("/api/audit/anchors/verify"), HttpStatusCode.Forbidden);
    }
}
