using Microsoft.Extensions.Logging.Abstractions;
using ZeroLagHub.Api.Storage;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Proxmox;

/// <summary>A per-class database migrated as the API migrates it at start-up (schemas es and zlh).</summary>
public sealed class ApiSchemaDatabase : PostgresDatabase
{
    protected override Task OnCreatedAsync() =>
        new SchemaMigration(DataSource, MartenRegistration.CreateStore(DataSource), NullLogger<SchemaMigration>.Instance).StartAsync(CancellationToken.None);
}
