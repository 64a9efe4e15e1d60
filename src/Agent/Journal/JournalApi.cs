using Microsoft.AspNetCore.Http.HttpResults;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Journal;

public static class JournalApi
{
    public static IEndpointRouteBuilder MapJournalApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/journal", Read);
        return routes;
    }

    private static Results<Ok<JournalPage>, ProblemHttpResult> Read(AgentJournal journal, long after = 0, int limit = 500)
    {
        if (after < 0) return TypedResults.Problem(statusCode: 400, title: "Bad 'after'", detail: "after is a seq, 0 or more");
        if (limit is < 1 or > 5000) return TypedResults.Problem(statusCode: 400, title: "Bad 'limit'", detail: "limit is 1 to 5000");
        return TypedResults.Ok(journal.Read(after, limit));
    }
}
