using Spectre.Console;
using ZeroLagHub.Api.Hosts.Proxmox.Client;

namespace ZeroLagHub.Cli.Proxmox;

/// <summary>Runs one check, prints its <c>[ ok ]</c> / <c>[fail]</c> line, and counts.</summary>
internal sealed class SelfTestReport(IAnsiConsole console, ProxmoxApiToken token)
{
    public int Passed { get; private set; }
    public int Failures { get; private set; }

    public Task CheckAsync(string call, Func<Task<string>> run) => CheckAsync(call, run, s => s);

    /// <returns>The call's result, or default when it failed (dependent checks are then skipped).</returns>
    public async Task<T?> CheckAsync<T>(string call, Func<Task<T>> run, Func<T, string> describe)
    {
        try
        {
            var result = await run();
            Passed++;
            console.MarkupLine($"[green][[ ok ]][/] {Markup.Escape(call)} — {Markup.Escape(token.Redact(describe(result)))}");
            return result;
        }
        catch (Exception e) when (e is ProxmoxException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            Failures++;
            var message = e is ProxmoxException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            console.MarkupLine($"[red][[fail]][/] {Markup.Escape(call)} — {Markup.Escape(token.Redact(message.ReplaceLineEndings(" ")))}");
            return default;
        }
    }
}
