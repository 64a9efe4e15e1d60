namespace ZeroLagHub.Api.Hosts.Proxmox.Client.Models;

/// <summary>One line of <c>GET /nodes/{node}/tasks/{upid}/log</c>: <c>{"n":1,"t":"…"}</c>.</summary>
public sealed record TaskLogLine(int N, string T);
