namespace ZeroLagHub.Api.Idempotency;

/// <summary>
/// The answer to a key sent again with another request: 422, as the IETF's Idempotency-Key draft has it,
/// naming the header as the field in error. Answering with the first request's result would tell the client
/// something happened that it did not ask for.
/// </summary>
public static class KeyReused
{
    public const string Header = "Idempotency-Key";

    public static string Reason(string firstRequest) =>
        $"this Idempotency-Key was already used for another request ({firstRequest}); send a new key for a new request";

    public static IResult Problem(string reason) => TypedResults.Problem(
        new HttpValidationProblemDetails(new Dictionary<string, string[]> { [Header] = [reason] })
        {
            Status = StatusCodes.Status422UnprocessableEntity, Title = "Idempotency-Key reused", Detail = reason,
        });
}
