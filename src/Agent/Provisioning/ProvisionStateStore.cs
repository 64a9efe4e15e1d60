using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;

namespace ZeroLagHub.Agent.Provisioning;

/// <summary>The one place <see cref="ProvisionState"/> is read and written (atomically: temp file + rename).</summary>
public sealed class ProvisionStateStore
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private ProvisionState _current;

    public ProvisionStateStore(IOptions<AgentOptions> options)
    {
        Directory.CreateDirectory(options.Value.DataDir);
        _path = Path.Combine(options.Value.DataDir, "provision.json");
        _current = File.Exists(_path)
            ? JsonSerializer.Deserialize<ProvisionState>(File.ReadAllBytes(_path), JsonSerializerOptions.Web) ?? new()
            : new();
    }

    public ProvisionState Current { get { lock (_gate) return _current; } }

    public ProvisionState Update(Func<ProvisionState, ProvisionState> change)
    {
        lock (_gate)
        {
            var next = change(_current);
            File.WriteAllBytes(_path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(next, JsonSerializerOptions.Web));
            File.Move(_path + ".tmp", _path, overwrite: true);
            return _current = next;
        }
    }
}
