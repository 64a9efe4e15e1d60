using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;
using Weasel.Postgresql.Tables;
using Weasel.Postgresql.Triggers;

namespace ZeroLagHub.Api.Audit.Chain;

/// <summary>
/// The per-stream SHA-256 chain over Marten's events, computed in PostgreSQL: an AFTER INSERT FOR EACH ROW
/// trigger on <c>mt_events</c> writes each event's link into <c>zlh_event_chain</c>. Every writer and both
/// Marten append modes (Rich inserts rows itself, Quick calls <c>mt_quick_append_events</c>) go through the
/// trigger, so all chain alike, and no client holds a previous hash it could race on.
/// </summary>
/// <remarks>
/// <para>A link is <c>hash = SHA-256(prev_hash || UTF-8 of the jsonb array [stream_id, version, id, type, data,
/// timestamp in integer microseconds, correlation_id, causation_id, user_name, headers])</c>, with
/// <c>prev_hash</c> the link of the previous version, empty for version 1. jsonb text is canonical (keys
/// sorted, fixed spacing), so the hash is recomputable from the rows alone: docs/audit/verify-chain.sql.
/// Metadata columns Marten was not told to create enter as null.</para>
/// <para>The previous link must exist, or the append fails: a stream is chained from its first event or not
/// at all. Appends to one stream are serialised by Marten (the mt_streams row, and the unique
/// (stream_id, version) index it checks before this AFTER trigger runs), so two links never race for a version.</para>
/// <para>A Marten schema feature rather than extended schema objects: Marten applies extended objects
/// before its event tables, and the trigger needs <c>mt_events</c> to exist; registered features come after.</para>
/// </remarks>
public sealed class HashChainSchema(StoreOptions options) : FeatureSchemaBase("HashChain", options.Advanced.Migrator)
{
    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        // Moving a stream's rows to the archive partition re-inserts them, which would chain them twice.
        if (options.Events.UseArchivedStreamPartitioning)
            throw new InvalidOperationException("the hash chain cannot follow archived-stream partitioning: rows moved between " +
                "partitions are inserted again. Turn UseArchivedStreamPartitioning off, or leave AddHashChain out.");

        var t = ChainTables.For(options);
        yield return ChainTable(t);
        yield return new Function(Name(t.Schema, "zlh_event_link_hash", SchemaUtils.IdentifierUsage.Function), LinkHashSql(t));
        yield return new Function(Name(t.Schema, ChainTables.TriggerName, SchemaUtils.IdentifierUsage.Function), TriggerFunctionSql(t));
        // Spelled as pg_get_triggerdef renders it (unqualified when in public), or every migration would
        // see a difference and recreate the trigger.
        var call = t.Schema == "public" ? $"{ChainTables.TriggerName}()" : $"{t.TriggerFunction}()";
        yield return new Trigger(Name(t.Schema, ChainTables.TriggerName), Name(t.Schema, "mt_events"), call)
        {
            Timing = TriggerTiming.After,
            Events = TriggerEvents.Insert,
            ForEachRow = true,
        };
    }

    private static PostgresqlObjectName Name(string schema, string name,
        SchemaUtils.IdentifierUsage usage = SchemaUtils.IdentifierUsage.General) => new(schema, name, usage);

    // One index only, the key: every append pays for each. seq_id ties the link to its row for auditors.
    private static Table ChainTable(ChainTables t)
    {
        var table = new Table(Name(t.Schema, "zlh_event_chain"));
        table.AddColumn("stream_id", t.StreamIdType).AsPrimaryKey();
        table.AddColumn("version", "bigint").AsPrimaryKey();
        table.AddColumn("seq_id", "bigint").NotNull();
        table.AddColumn("prev_hash", "bytea").NotNull();
        table.AddColumn("hash", "bytea").NotNull();
        return table;
    }

    // STABLE, not IMMUTABLE: the text-to-timestamptz cast is STABLE, and PostgreSQL inlines a SQL function
    // only when it claims no more than its body does.
    private static string LinkHashSql(ChainTables t) => $$"""
        CREATE OR REPLACE FUNCTION {{t.LinkHash}}(prev bytea, e jsonb)
         RETURNS bytea
         LANGUAGE sql
         STABLE PARALLEL SAFE
        AS $function$
            SELECT sha256(prev || convert_to(jsonb_build_array(
                e -> 'stream_id', e -> 'version', e -> 'id', e -> 'type', e -> 'data',
                (extract(epoch FROM (e ->> 'timestamp')::timestamptz) * 1000000)::bigint,
                e -> 'correlation_id', e -> 'causation_id', e -> 'user_name', e -> 'headers')::text, 'UTF8'))
        $function$;
        """;

    // to_jsonb(NEW) rather than NEW's columns: the metadata columns exist only when Marten was told to
    // create them, and a missing key is simply null.
    private static string TriggerFunctionSql(ChainTables t) => $$"""
        CREATE OR REPLACE FUNCTION {{t.TriggerFunction}}()
         RETURNS trigger
         LANGUAGE plpgsql
        AS $function$
        DECLARE
            prev bytea := ''::bytea;
        BEGIN
            IF NEW.stream_id = {{t.TombstoneStreamLiteral}} THEN
                RETURN NULL;
            END IF;
            IF NEW.version > 1 THEN
                SELECT c.hash INTO prev FROM {{t.Chain}} c WHERE c.stream_id = NEW.stream_id AND c.version = NEW.version - 1;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'hash chain: stream % has no link at version %, so version % cannot be chained; the append is refused',
                        NEW.stream_id, NEW.version - 1, NEW.version USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            END IF;
            INSERT INTO {{t.Chain}} (stream_id, version, seq_id, prev_hash, hash)
            VALUES (NEW.stream_id, NEW.version, NEW.seq_id, prev, {{t.LinkHash}}(prev, to_jsonb(NEW)));
            RETURN NULL;
        END
        $function$;
        """;
}
