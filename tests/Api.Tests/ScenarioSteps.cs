using System.Net;
using Alba;

namespace ZeroLagHub.Api.Tests;

/// <summary>Expectations many Alba scenarios share.</summary>
internal static class ScenarioSteps
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>Expects a problem document (<see cref="ProblemJson"/>) with <paramref name="status"/>.</summary>
    public static Scenario ProblemShouldBe(this Scenario scenario, HttpStatusCode status)
    {
        scenario.StatusCodeShouldBe(status);
        scenario.ContentTypeShouldBe(ProblemJson);
        return scenario;
    }

    /// <summary>The request with <paramref name="accessToken"/>, expecting <paramref name="status"/>.</summary>
    public static Task<IScenarioResult> SendAsync(this ApiFixture api, string accessToken, Action<Scenario> request, HttpStatusCode status) =>
        api.ScenarioWithToken(accessToken, x =>
        {
            request(x);
            x.StatusCodeShouldBe(status);
        });
}
