using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ZeroLagHub.Api.Http;

/// <summary>
/// A field that may be null is not required in the OpenAPI document: the schema generator requires every constructor
/// parameter of a record, so a nullable one (<c>deploymentId</c> of an accepted command, every field of a request the
/// API answers field by field) would read as one a client must send or can rely on. A field declared
/// <c>required</c> (or <c>[JsonRequired]</c>) stays required.
/// </summary>
public sealed class NullableNotRequired : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (schema.Required is not { Count: > 0 } required || context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object) return Task.CompletedTask;
        foreach (var property in context.JsonTypeInfo.Properties.Where(p => !p.IsRequired && MayBeNull(p)))
            required.Remove(property.Name);
        return Task.CompletedTask;
    }

    private static bool MayBeNull(JsonPropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null || (!property.PropertyType.IsValueType && property.IsGetNullable);
}
