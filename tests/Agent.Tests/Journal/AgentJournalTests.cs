using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Tests.Journal;

public sealed class AgentJournalTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    [Fact]
    public async Task TheJournalContinuesAcrossAnAgentRestartUnderTheSameId()
    {
        Guid journalId;
        using (var first = new AgentHost(_sandbox))
        {
            var journal = first.Services.GetRequiredService<AgentJournal>();
            Assert.Equal(1, journal.Append("install.started", new { runtime = "node" }));
            Assert.Equal(2, journal.Append("install.succeeded", new { runtime = "node", version = "24" }));
            journalId = journal.JournalId;
        }

        using var second = new AgentHost(_sandbox);
        Assert.Equal(3, second.Services.GetRequiredService<AgentJournal>().Append("codeserver.started", new { port = 8080 }));

        var page = await second.Authorized().GetFromJsonAsync<JournalPage>("/journal?after=1");
        Assert.Equal(journalId, page!.JournalId);
        Assert.Equal(3, page.LatestSeq);
        Assert.Equal([2L, 3L], page.Entries.Select(e => e.Seq));
        Assert.Equal("install.succeeded", page.Entries[0].Kind);
        Assert.Equal("24", page.Entries[0].Data.GetProperty("version").GetString());
    }

    [Fact]
    public async Task ATornLastLineFromACrashIsCutAndTheSeqStaysGapFree()
    {
        using (var first = new AgentHost(_sandbox))
            first.Services.GetRequiredService<AgentJournal>().Append("install.started", new { });
        await File.AppendAllTextAsync(_sandbox.Path("var/lib/zlh-agent/journal/journal.jsonl"), """{"seq":2,"at":"2026-""");

        using var second = new AgentHost(_sandbox);
        Assert.Equal(2, second.Services.GetRequiredService<AgentJournal>().Append("install.failed", new { error = "x" }));
        var page = await second.Authorized().GetFromJsonAsync<JournalPage>("/journal");
        Assert.Equal(["install.started", "install.failed"], page!.Entries.Select(e => e.Kind));
    }

    [Fact]
    public async Task AFreshContainerGetsANewJournalId()
    {
        using var sandbox2 = new Sandbox();
        using var a = new AgentHost(_sandbox);
        using var b = new AgentHost(sandbox2);
        var first = await a.Authorized().GetFromJsonAsync<JournalPage>("/journal");
        var second = await b.Authorized().GetFromJsonAsync<JournalPage>("/journal");
        Assert.NotEqual(first!.JournalId, second!.JournalId);
    }

    [Theory]
    [InlineData("/journal?after=-1")]
    [InlineData("/journal?limit=0")]
    [InlineData("/journal?limit=100000")]
    [InlineData("/journal?after=abc")]
    public async Task BadPagingIsA400(string url)
    {
        using var agent = new AgentHost(_sandbox);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await agent.Authorized().GetAsync(url)).StatusCode);
    }

    public void Dispose() => _sandbox.Dispose();
}
