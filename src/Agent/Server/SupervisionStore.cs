using System.Text.Json;

namespace ZeroLagHub.Agent.Server;

/// <summary>Reads and writes <see cref="SupervisionRecord"/> (temp file + rename, so a crash mid-write leaves the old one).</summary>
public sealed class SupervisionStore(string path)
{
    public SupervisionRecord Load() => File.Exists(path)
        ? JsonSerializer.Deserialize<SupervisionRecord>(File.ReadAllBytes(path), JsonSerializerOptions.Web) ?? new()
        : new();

    public void Save(SupervisionRecord record)
    {
        File.WriteAllBytes(path + ".tmp", JsonSerializer.SerializeToUtf8Bytes(record, JsonSerializerOptions.Web));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
