using Yarp.ReverseProxy.Forwarder;

namespace ZeroLagHub.Api.Ide.Hop;

/// <summary>
/// YARP answers a failed forward with a bare status; this gives that status a problem+json body saying what
/// failed. Nothing is written once the response has started (YARP has reset it: half a response must not
/// pass for a whole one) or when the client is gone.
/// </summary>
internal static class ForwardingProblem
{
    public static async Task WriteAsync(HttpContext context, ForwarderError error, string destination, TimeSpan timeout)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return;
        var (status, title, detail) = error switch
        {
            ForwarderError.RequestTimedOut => (StatusCodes.Status504GatewayTimeout, "Gateway Timeout",
                $"{destination} did not answer within {timeout.TotalSeconds:0.###} s; try again"),
            ForwarderError.RequestBodyClient => (StatusCodes.Status400BadRequest, "Bad Request",
                "the request body could not be read completely; send it again"),
            _ => (StatusCodes.Status502BadGateway, "Bad Gateway",
                $"{destination} is unreachable or refused the connection ({error}); check that it is running"),
        };
        context.Response.Clear();
        await TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["error"] = error.ToString() }).ExecuteAsync(context);
    }
}
