using System.Net;
using System.Net.Http.Json;
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
    private HttpClient Admin() => api.CreateClientAs(Guid.NewGuid(), "root", Role.User, Role.Admin);

    [Fact]
    public async Task AnAnchorIsASignedFileOfEveryStreamHead()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        using var admin = Admin();

        var response = await admin.PostAsync("/api/audit/anchors", null);
        var written = await response.Content.ReadFromJsonAsync<JsonElement>();
        var file = Path.Combine(api.DataDirectory, "anchors", written.GetProperty("file").GetString()!);
        var anchor = JsonNode.Parse(await File.ReadAllTextAsync(file))!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file))),
            written.GetProperty("sha256").GetString());
        var stream = anchor["checkpoint"]!["streams"]!.AsArray().Single(s => (string?)s!["stream"] == container.ToString())!;
        Assert.Equal(3, (long)stream["version"]!);
        Assert.True(File.Exists(Path.Combine(api.DataDirectory, "anchors", "anchor-public.pem")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(api.DataDirectory, "anchor-signing.key")));
        var verified = await admin.PostAsJsonAsync("/api/audit/anchors/verify", new { file = written.GetProperty("file").GetString() });
        // Other tests of this class edit their own streams; this one's must match.
        Assert.DoesNotContain((await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("discrepancies").EnumerateArray(),
            d => d.GetProperty("streamId").GetString() == container.ToString());
    }

    [Fact]
    public async Task AnEditedEventIsReportedWithItsStreamAndVersion()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        using var admin = Admin();
        var file = (await (await admin.PostAsync("/api/audit/anchors", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("file").GetString();

        await api.EditEventAsync(container, 2);

        var report = await (await admin.PostAsJsonAsync("/api/audit/anchors/verify", new { file })).Content.ReadFromJsonAsync<JsonElement>();
        var found = report.GetProperty("discrepancies").EnumerateArray().Single(d => d.GetProperty("streamId").GetString() == container.ToString());
        Assert.Equal(2, found.GetProperty("version").GetInt64());
        Assert.Contains("altered", found.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AConsistentlyRewrittenChainPassesVerificationButNotTheAnchor()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        using var admin = Admin();
        var written = await (await admin.PostAsync("/api/audit/anchors", null)).Content.ReadFromJsonAsync<JsonElement>();
        var anchorJson = await File.ReadAllTextAsync(Path.Combine(api.DataDirectory, "anchors", written.GetProperty("file").GetString()!));

        await api.RewriteChainFromAsync(container, version: 2, head: 3);

        var chain = await admin.GetFromJsonAsync<JsonElement>($"/api/audit/containers/{container}/verify");
        Assert.Equal(JsonValueKind.Null, chain.GetProperty("firstBroken").ValueKind);
        var report = await (await admin.PostAsync("/api/audit/anchors/verify", new StringContent(anchorJson, System.Text.Encoding.UTF8, "application/json")))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(report.GetProperty("intact").GetBoolean());
        var found = report.GetProperty("discrepancies").EnumerateArray().Single(d => d.GetProperty("streamId").GetString() == container.ToString());
        Assert.Equal(3, found.GetProperty("version").GetInt64());
        Assert.Contains("rewritten", found.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AnAlteredCheckpointIsRefused()
    {
        var container = await api.AppendContainerHistoryAsync(Guid.NewGuid());
        using var admin = Admin();
        var written = await (await admin.PostAsync("/api/audit/anchors", null)).Content.ReadFromJsonAsync<JsonElement>();
        var anchor = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(api.DataDirectory, "anchors", written.GetProperty("file").GetString()!)))!;
        // The attacker's move after rewriting a chain: make the checkpoint agree with it.
        var stream = anchor["checkpoint"]!["streams"]!.AsArray().Single(s => (string?)s!["stream"] == container.ToString())!;
        stream["hash"] = new string('0', 64);

        var response = await admin.PostAsync("/api/audit/anchors/verify",
            new StringContent(anchor.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        await AuditSteps.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "signature does not verify");
        await AuditSteps.AssertProblemAsync(await admin.PostAsJsonAsync("/api/audit/anchors/verify", new { file = "../auth-signing.key" }),
            HttpStatusCode.BadRequest, "not an anchor file name");
        await AuditSteps.AssertProblemAsync(await admin.PostAsJsonAsync("/api/audit/anchors/verify", new { file = "anchor-20260101T000000000Z-abcdef.json" }),
            HttpStatusCode.NotFound, "no anchor file");
    }

    [Fact]
    public async Task OnlyAdminsWriteAnchors()
    {
        using var auditor = api.CreateClientAs(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);
        using var user = api.CreateClientAs(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync("/api/audit/anchors", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/audit/anchors")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/audit/anchors/verify", new { file = "x" })).StatusCode);
    }
}
