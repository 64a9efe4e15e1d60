using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Proxmox;

namespace ZeroLagHub.Api.Tests.Proxmox.Host;

public sealed class ProxmoxRegistrationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Hosts:Proxmox:EnrollmentUrl"] = "https://zlh.test",
        ["Hosts:Proxmox:AgentTokenKey"] = Convert.ToBase64String(new byte[32]),
        ["Hosts:Proxmox:Nodes:0:Name"] = "pve1",
        ["Hosts:Proxmox:Nodes:0:Url"] = "https://pve1.test:8006",
        ["Hosts:Proxmox:Nodes:0:TokenId"] = "zlh@pve!cp",
        ["Hosts:Proxmox:Nodes:0:TokenSecret"] = "s3cret",
        ["Hosts:Proxmox:Nodes:0:TemplateVmid"] = "9000",
        ["Hosts:Proxmox:Nodes:0:Fingerprints:0"] = string.Join(':', Enumerable.Repeat("AB", 32)),
        ["Hosts:Proxmox:Nodes:1:Name"] = "pve2",
        ["Hosts:Proxmox:Nodes:1:Url"] = "https://pve2.test:8006",
        ["Hosts:Proxmox:Nodes:1:TokenId"] = "zlh@pve!cp",
        ["Hosts:Proxmox:Nodes:1:TokenSecret"] = "s3cret",
        ["Hosts:Proxmox:Nodes:1:TemplateVmid"] = "9001",
        ["Hosts:Proxmox:Nodes:1:Fingerprints:0"] = string.Join(':', Enumerable.Repeat("CD", 32)),
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // The API registers its data source before the host; never opened here (resolving connects to nothing).
        return new ServiceCollection().AddLogging().AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Database=unused"))
            .AddProxmoxContainerHost(configuration).BuildServiceProvider();
    }

    [Fact]
    public void SeveralNodesRegisterAsTheContainerHost()
    {
        using var services = Build(Valid);
        Assert.IsType<ProxmoxContainerHost>(services.GetRequiredService<IContainerHost>());
        Assert.Equal(["pve1", "pve2"], services.GetRequiredService<IReadOnlyList<ProxmoxNode>>().Select(n => n.Name));
    }

    [Theory]
    [InlineData("Hosts:Proxmox:Nodes:0:TokenId", "zlh@pve", "USER@REALM!TOKENID")]
    [InlineData("Hosts:Proxmox:Nodes:0:Fingerprints:0", "nope", "SHA-256 fingerprint")]
    [InlineData("Hosts:Proxmox:Nodes:0:Url", "http://pve1.test:8006", "https://")]
    [InlineData("Hosts:Proxmox:AgentTokenKey", "c2hvcnQ=", "32 random bytes")]
    [InlineData("Hosts:Proxmox:EnrollmentUrl", "", "EnrollmentUrl")]
    public void AConfigurationMistakeFailsAtStartUpSayingWhatToFix(string key, string value, string hint)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };
        var error = Assert.Throws<InvalidOperationException>(() => Build(settings));
        Assert.Contains(hint, error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }
}
