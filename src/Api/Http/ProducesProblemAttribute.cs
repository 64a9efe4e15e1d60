using Microsoft.AspNetCore.Mvc;

namespace ZeroLagHub.Api.Http;

/// <summary>For the OpenAPI document: this route answers <paramref name="status"/> with a problem (application/problem+json).</summary>
/// <remarks>A 400 or 422 carries field errors (<c>errors</c>): <see cref="HttpValidationProblemDetails"/>.</remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesProblemAttribute(int status)
    : ProducesResponseTypeAttribute(status is 400 or 422 ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), status, "application/problem+json");
