using JasperFx;
using JasperFx.CodeGeneration;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Wolverine.Http;

namespace ZeroLagHub.Api.Http;

/// <summary>
/// The command routes are Wolverine.Http endpoints (a class per route, e.g. Containers/Endpoints), found in the API's
/// assembly and run from the pre-generated code in Internal/Generated like the message handlers. The queries stay
/// Minimal APIs, mapped in Program.cs.
/// </summary>
public static class CommandEndpoints
{
    public static WebApplicationBuilder AddCommandEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddWolverineHttp();
        return builder;
    }

    public static WebApplication MapCommandEndpoints(this WebApplication app)
    {
        app.MapWolverineEndpoints(opts => opts.AddPolicy<DeclaredResponsesOnly>());
        return app;
    }

    /// <summary>
    /// An endpoint returning an <see cref="IResult"/> that declares its answers (<c>[ProducesResponseType]</c>,
    /// <see cref="ProducesProblemAttribute"/>) is documented with those alone: Wolverine.Http adds a 200 (and a 404
    /// for a missing resource) from the return type, which an endpoint answering 202 or a problem never sends.
    /// (A typed <c>Results&lt;…&gt;</c> describes itself truthfully and keeps what it adds.)
    /// </summary>
    private sealed class DeclaredResponsesOnly : IHttpPolicy
    {
        public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
        {
            foreach (var chain in chains.Where(c => c.ResourceType == typeof(IResult)
                         && c.Method.Method.GetCustomAttributes(true).OfType<IApiResponseMetadataProvider>().Any()))
                chain.Metadata.Finally(endpoint =>
                {
                    foreach (var computed in endpoint.Metadata.Where(m => m is IProducesResponseTypeMetadata and not IApiResponseMetadataProvider).ToList())
                        endpoint.Metadata.Remove(computed);
                });
        }
    }
}
