namespace ZeroLagHub.Api.Storage.Marten;

/// <summary>
/// The PostgreSQL schema Marten keeps its event tables (<c>mt_events</c>, <c>mt_streams</c>) and daemon
/// progress in. Its own, so our migrations and Marten's never touch each other's objects; the bootstrap
/// creates it for the API's role (<see cref="Bootstrap.ApiSchemas"/>).
/// </summary>
public static class MartenSchema
{
    public const string Name = "events";
}
