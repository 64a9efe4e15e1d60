using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ZeroLagHub.Api.Http;

/// <summary>
/// The request body of a Wolverine.Http endpoint that reads its own (<see cref="JsonRequestBody"/>), from the
/// <see cref="IAcceptsMetadata"/> it declares: Wolverine describes only the bodies it binds itself.
/// </summary>
public sealed class RequestBodyFromAccepts : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.RequestBody is not null) return;
        if (context.Description.ActionDescriptor.EndpointMetadata?.OfType<IAcceptsMetadata>().LastOrDefault() is not { RequestType: { } type } accepts)
            return;
        var schema = await context.GetOrCreateSchemaAsync(type, null, ct);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = !accepts.IsOptional,
            Content = accepts.ContentTypes.ToDictionary(c => c, _ => new OpenApiMediaType { Schema = schema }),
        };
    }
}
