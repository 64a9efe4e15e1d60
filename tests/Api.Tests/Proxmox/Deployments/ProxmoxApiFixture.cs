using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts.Proxmox.Privileged;
using ZeroLagHub.Api.Tests.Proxmox.Fake;

namespace ZeroLagHub.Api.Tests.Proxmox.Deployments;

/// <summary>
/// The real API with <c>Hosts:Default = proxmox</c>, driving the fake Proxmox over pinned HTTPS; its
/// containers run real agents (<see cref="FakeLxcRuntime"/>) that enroll with this API over loopback
/// HTTP, which is why the API serves on real Kestrel at a port known before it starts (the enrollment
/// URL names it).
/// </summary>
public sealed class ProxmoxApiFixture : KestrelApiFixture
{
    private readonly int _apiPort = FreePort();

    public FakeProxmoxServer Proxmox { get; private set; } = null!;
    public FakeLxcRuntime Lxc { get; private set; } = null!;

    protected override int KestrelPort => _apiPort;

    protected override async Task OnStartingAsync()
    {
        Proxmox = await FakeProxmoxServer.StartAsync();
        var agentPort = FreePort();
        Lxc = new FakeLxcRuntime(Proxmox, agentPort);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["Hosts:Default"] = "proxmox",
            ["Hosts:Proxmox:EnrollmentUrl"] = $"http://127.0.0.1:{_apiPort}",
            ["Hosts:Proxmox:AgentPort"] = agentPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hosts:Proxmox:AgentTokenKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Hosts:Proxmox:TaskTimeout"] = "00:00:30",
            ["Hosts:Proxmox:AgentHealthTimeout"] = "00:01:00",
            ["Hosts:Proxmox:Nodes:0:Name"] = FakeProxmoxServer.Node,
            ["Hosts:Proxmox:Nodes:0:Url"] = Proxmox.BaseAddress.ToString(),
            ["Hosts:Proxmox:Nodes:0:TokenId"] = FakeProxmoxServer.TokenId,
            ["Hosts:Proxmox:Nodes:0:TokenSecret"] = FakeProxmoxServer.TokenSecret,
            ["Hosts:Proxmox:Nodes:0:Fingerprints:0"] = Proxmox.Fingerprint,
            ["Hosts:Proxmox:Nodes:0:TemplateVmid"] = FakeProxmoxServer.TemplateVmid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
            Settings[key] = value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The node side of pct push: writes into the fake container, whose first-boot unit takes it from there.
        builder.ConfigureTestServices(services => services.AddSingleton<IPrivilegedRunner>(Lxc));
    }

    protected override async Task OnStoppedAsync()
    {
        await Lxc.DisposeAsync();
        await Proxmox.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
