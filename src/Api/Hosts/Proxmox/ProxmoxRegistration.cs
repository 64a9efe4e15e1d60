using Npgsql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ZeroLagHub.Api.Hosts.Proxmox.Client;
using ZeroLagHub.Api.Hosts.Proxmox.Enrollment;
using ZeroLagHub.Api.Hosts.Proxmox.Privileged;

namespace ZeroLagHub.Api.Hosts.Proxmox;

public static class ProxmoxRegistration
{
    /// <summary>
    /// Makes Proxmox the <see cref="IContainerHost"/> (call when <c>Hosts:Default = proxmox</c>), from
    /// <c>Hosts:Proxmox</c>. Configuration errors (no node, a token id that is not USER@REALM!TOKENID, no
    /// pinned fingerprint, a short agent token key) fail here, at start-up, with what to fix. Also map
    /// <see cref="AgentEnrollmentApi.MapAgentEnrollment"/> so new containers can enroll.
    /// </summary>
    public static IServiceCollection AddProxmoxContainerHost(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Hosts:Proxmox").Get<ProxmoxHostOptions>() ?? new ProxmoxHostOptions();
        Validate(options);

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AgentEnrollment(Convert.FromBase64String(options.AgentTokenKey), sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<TimeProvider>(), options.EnrollmentTtl));
        services.TryAddSingleton<IPrivilegedRunner>(new SshPrivilegedRunner(options));
        services.AddSingleton<IReadOnlyList<ProxmoxNode>>(sp => [.. options.Nodes.Select(node => new ProxmoxNode(node, new ProxmoxClient(
            new ProxmoxConnection(new Uri(node.Url), new ProxmoxApiToken(node.TokenId, node.TokenSecret), new CertificatePins(node.Fingerprints)),
            sp.GetRequiredService<ILogger<ProxmoxClient>>(), sp.GetRequiredService<TimeProvider>())))]);
        services.AddSingleton<IContainerHost>(sp => new ProxmoxContainerHost(
            sp.GetRequiredService<IReadOnlyList<ProxmoxNode>>(), options, sp.GetRequiredService<AgentEnrollment>(),
            sp.GetRequiredService<IPrivilegedRunner>(),
            // The agent answers /health at once or not at all; a hung container must not hold a poll.
            new HttpClient { Timeout = TimeSpan.FromSeconds(5) },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProxmoxContainerHost>>()));
        return services;
    }

    private static void Validate(ProxmoxHostOptions options)
    {
        const string section = "Hosts:Proxmox";
        if (options.Nodes.Count == 0) throw new InvalidOperationException($"{section}:Nodes is empty: configure at least one Proxmox node (docs/proxmox.md).");
        if (!Uri.TryCreate(options.EnrollmentUrl, UriKind.Absolute, out _))
            throw new InvalidOperationException($"{section}:EnrollmentUrl must be the control plane's address as containers reach it, e.g. https://zlh.example.");
        try
        {
            if (Convert.FromBase64String(options.AgentTokenKey).Length < 32) throw new FormatException();
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{section}:AgentTokenKey must be base64 of at least 32 random bytes (openssl rand -base64 32).");
        }
        for (var i = 0; i < options.Nodes.Count; i++)
        {
            var node = options.Nodes[i];
            var where = $"{section}:Nodes:{i}";
            if (string.IsNullOrWhiteSpace(node.Name)) throw new InvalidOperationException($"{where}:Name is the node's name in Proxmox; it is empty.");
            if (!Uri.TryCreate(node.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
                throw new InvalidOperationException($"{where}:Url must be the https:// address of the Proxmox API, e.g. https://pve1.example:8006.");
            if (node.TemplateVmid <= 0) throw new InvalidOperationException($"{where}:TemplateVmid must be the vmid of the golden template.");
            try
            {
                _ = new ProxmoxApiToken(node.TokenId, node.TokenSecret);
                _ = new CertificatePins(node.Fingerprints);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"{where}: {e.Message}", e);
            }
        }
    }
}
