using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ZeroLagHub.Agent.Tests.Files;

/// <summary>
/// A real agent whose file browser root is the sandbox's workspace, next to an <c>outside</c> directory
/// holding a secret that no request may read, change or remove.
/// </summary>
public sealed class FilesAgent : IDisposable
{
    private readonly AgentHost _host;

    public FilesAgent(string resolver = "Auto", IDictionary<string, string>? settings = null)
    {
        Directory.CreateDirectory(Workspace);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Secret, "secret");
        var all = new Dictionary<string, string> { ["Files:Resolver"] = resolver };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        _host = new AgentHost(Sandbox, all);
        Client = _host.Authorized();
    }

    public Sandbox Sandbox { get; } = new();
    public HttpClient Client { get; }
    public string Workspace => Sandbox.Path("home/dev/workspace");
    public string Outside => Sandbox.Path("outside");
    public string Secret => Path.Combine(Outside, "secret.txt");

    public string InWorkspace(string relative) => Path.Combine(Workspace, relative);

    public Task<HttpResponseMessage> Put(string path, byte[] body, string? key = null) =>
        Send(HttpMethod.Put, $"/files/content?path={Uri.EscapeDataString(path)}", new ByteArrayContent(body), key);

    public Task<HttpResponseMessage> Put(string path, HttpContent body, string? key = null) =>
        Send(HttpMethod.Put, $"/files/content?path={Uri.EscapeDataString(path)}", body, key);

    public Task<HttpResponseMessage> Put(string path, string body, string? key = null) =>
        Put(path, System.Text.Encoding.UTF8.GetBytes(body), key);

    public Task<HttpResponseMessage> Mkdir(string path) => Send(HttpMethod.Post, $"/files/mkdir?path={Uri.EscapeDataString(path)}");

    public Task<HttpResponseMessage> Rename(string from, string to) =>
        Send(HttpMethod.Post, $"/files/rename?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");

    public Task<HttpResponseMessage> Delete(string path, bool recursive = false) =>
        Send(HttpMethod.Delete, $"/files?path={Uri.EscapeDataString(path)}" + (recursive ? "&recursive=true" : ""));

    /// <summary>Sends with a fresh Idempotency-Key unless one is given ("" sends none).</summary>
    public Task<HttpResponseMessage> Send(HttpMethod method, string url, HttpContent? content = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        key ??= Guid.NewGuid().ToString();
        if (key.Length > 0) request.Headers.Add("Idempotency-Key", key);
        return Client.SendAsync(request);
    }

    /// <summary>The problem's <c>reason</c> (the FileError name), or the status if the answer is not a problem.</summary>
    public static async Task<string> Reason(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("reason", out var reason)) return reason.GetString()!;
        }
        catch (JsonException) { }
        return $"{(int)response.StatusCode} {text}";
    }

    /// <summary>Every path and content under the dev home and the outside directory: "changed nothing" is this staying equal.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        var lines = new List<string>();
        foreach (var dir in new[] { Sandbox.Path("home"), Outside }) Walk(dir, lines);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    // By hand, not RecurseSubdirectories: that would descend through the planted link to /etc.
    private static void Walk(string dir, List<string> lines)
    {
        foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            lines.Add(entry.FullName + " " + Describe(entry.FullName));
            if (entry is DirectoryInfo { LinkTarget: null } sub) Walk(sub.FullName, lines);
        }
    }

    private static string Describe(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target) return "-> " + target;
        return info.Exists ? File.ReadAllText(path) : "dir";
    }

    public static MediaTypeHeaderValue? ContentType(HttpResponseMessage r) => r.Content.Headers.ContentType;

    public static Task<T?> Json<T>(HttpResponseMessage r) => r.Content.ReadFromJsonAsync<T>();

    public void Dispose()
    {
        Client.Dispose();
        _host.Dispose();
        Sandbox.Dispose();
    }
}
