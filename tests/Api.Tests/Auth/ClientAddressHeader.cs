using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>
/// Test hosts only: the connection's remote address from an <c>X-Test-Client-Address</c> header, so that one test
/// client can speak from many addresses (the in-memory test server gives its requests none). Runs before the app.
/// </summary>
public sealed class ClientAddressHeader : IStartupFilter
{
    public const string Name = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[Name].ToString(), out var address)) context.Connection.RemoteIpAddress = address;
            return following(context);
        });
        next(app);
    };
}
