using System.Net.Http.Json;
using System.Text.Json;
using ZeroLagHub.Api.Auth;

namespace ZeroLagHub.Api.Tests.Audit;

/// <summary>The command log as an auditor reads it (<c>GET /api/audit/commands</c>), newest first.</summary>
internal static class CommandLog
{
    /// <param name="query">e.g. <c>user={id}</c> or <c>container={id}</c>.</param>
    public static async Task<List<JsonElement>> ReadAsync(ApiHostFixture api, string query)
    {
        using var auditor = api.CreateClientAs(Guid.NewGuid(), "auditor", Role.User, Role.Auditor);
        var page = await auditor.GetFromJsonAsync<JsonElement>($"/api/audit/commands?{query}");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>A row's command, target and outcome, to compare whole sequences of rows.</summary>
    public static (string?, string?, string?) Summary(JsonElement row) =>
        (row.GetProperty("command").GetString(), row.GetProperty("target").GetString(), row.GetProperty("outcome").GetString());
}
