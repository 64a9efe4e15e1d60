using System.Text.Json;

namespace ZeroLagHub.Cli.Session;

/// <summary>
/// credentials.json: one <see cref="StoredSession"/> per API address, so one machine can be logged in to
/// several control planes. The file is created 0600 (in a 0700 directory) and replaced by rename, so it
/// is never readable by others, not even for the moment between create and chmod, and never half written.
/// </summary>
public sealed class CredentialStore(string path)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const string UnixOnly = "credentials.json is created with Unix permissions (0600); zlh runs on Linux and macOS";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public StoredSession? Load(Uri api) => ReadAll().GetValueOrDefault(Key(api));

    /// <remarks>Save and <see cref="Remove"/> read, change and replace the whole file: hold <see cref="LockAsync"/>.</remarks>
    public void Save(Uri api, StoredSession session) => Update(all => all[Key(api)] = session);

    /// <returns>Whether there was a session to remove.</returns>
    public bool Remove(Uri api)
    {
        var removed = false;
        Update(all => removed = all.Remove(Key(api)));
        return removed;
    }

    /// <summary>
    /// Held while refreshing: refresh tokens are single-use, so two zlh processes refreshing the same
    /// session at once would have one of them refused (and the API may revoke the whole session as a
    /// replay). The second waits here, then finds the pair the first stored.
    /// </summary>
    public async Task<IDisposable> LockAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException(UnixOnly);
        EnsureDirectory();
        var lockPath = Path + ".lock";
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix.
                return new FileStream(lockPath, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = OwnerOnly,
                });
            }
            catch (IOException)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    private Dictionary<string, StoredSession> ReadAll()
    {
        if (!File.Exists(Path)) return [];
        return JsonSerializer.Deserialize<Dictionary<string, StoredSession>>(File.ReadAllText(Path), Json) ?? [];
    }

    private void Update(Action<Dictionary<string, StoredSession>> change)
    {
        var all = ReadAll();
        change(all);
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException(UnixOnly);
        EnsureDirectory();
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.Delete(temporary); // a leftover keeps its old mode: create afresh so UnixCreateMode applies
        using (var file = new FileStream(temporary, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, UnixCreateMode = OwnerOnly,
               }))
        {
            JsonSerializer.Serialize(file, all, Json);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException(UnixOnly);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>One key per API, however the address was typed (trailing slash, case of the host).</summary>
    private static string Key(Uri api) => api.GetLeftPart(UriPartial.Authority).ToLowerInvariant() + api.AbsolutePath.TrimEnd('/');
}
