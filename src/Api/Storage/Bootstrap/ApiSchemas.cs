namespace ZeroLagHub.Api.Storage.Bootstrap;

/// <summary>
/// The PostgreSQL schemas the API writes to, all owned by its role (see <see cref="DatabaseBootstrap"/>):
/// the event store's <c>es</c>, the API's <c>zlh</c>, Wolverine's messages, and <c>public</c>, where projections keep their
/// generation tables and reader views, and Marten's (events, daemon progress). A new schema (Marten's, Wolverine's) is added here, so the
/// bootstrap creates it before the API, which may not create schemas, migrates into it.
/// </summary>
public static class ApiSchemas
{
    public static readonly IReadOnlyList<string> All = ["es", SchemaMigration.Schema, "public", Marten.MartenSchema.Name, Messaging.WolverineRegistration.Schema];
}
