namespace ZeroLagHub.Projections.ReadModels;

/// <summary>
/// A read-model table. <paramref name="Ddl"/> creates it with <c>{table}</c> standing for the physical
/// name (e.g. <c>container_status_g2</c>); readers use <paramref name="Name"/>, a view over the live
/// generation, so a rebuild can swap generations under them. Leave indexes unnamed
/// (<c>CREATE INDEX ON {table} (…)</c>) so each generation's get names of their own.
/// </summary>
/// <param name="Name">Unqualified, lower-case: letters, digits and '_'.</param>
public sealed record ProjectionTable(string Name, string Ddl)
{
    public string Physical(int generation) => $"{Name}_g{generation}";
}
