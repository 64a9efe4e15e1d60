using System.Reflection;
using System.Text.RegularExpressions;

namespace ZeroLagHub.EventStore.Schema;

/// <summary>One embedded upgrade script, e.g. <c>V001__event_store.sql</c> → version 1.</summary>
internal sealed partial record Migration(int Version, string Name, string Sql)
{
    public static IReadOnlyList<Migration> FromResources(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ScriptName().Match(resource);
            if (!match.Success) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"two migrations share version {duplicate.Key} in {assembly.GetName().Name}");
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"Migrations\.V(\d+)__(\w+)\.sql$")]
    private static partial Regex ScriptName();
}
