using System.Text.Json;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Tests.Agent;

/// <summary>The agent and the control plane exchange these records as JSON; their shape is the contract.</summary>
public sealed class WireContractTests
{
    [Fact]
    public void ContainerKindTravelsAsItsNameNotANumber()
    {
        Assert.Equal("\"Game\"", JsonSerializer.Serialize(ContainerKind.Game, JsonSerializerOptions.Web));
        Assert.Equal(ContainerKind.Dev, JsonSerializer.Deserialize<ContainerKind>("\"Dev\"", JsonSerializerOptions.Web));
    }

    [Fact]
    public void AJournalPageRoundTripsWithItsEntryData()
    {
        var page = new JournalPage(Guid.NewGuid(), 7,
            [new JournalEntry(7, DateTimeOffset.Parse("2026-11-23T08:00:00Z"), "install.succeeded",
                JsonSerializer.SerializeToElement(new { runtime = "node", version = "24" }))]);

        var json = JsonSerializer.Serialize(page, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<JournalPage>(json, JsonSerializerOptions.Web)!;

        Assert.Contains("\"latestSeq\":7", json);
        Assert.Equal(page.JournalId, back.JournalId);
        Assert.Equal("install.succeeded", back.Entries[0].Kind);
        Assert.Equal("24", back.Entries[0].Data.GetProperty("version").GetString());
    }
}
