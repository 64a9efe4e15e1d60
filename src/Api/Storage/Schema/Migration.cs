using System.Reflection;
using System.Text.RegularExpressions;

namespace ZeroLagHub.Api.Storage.Schema;

/// <summary>One embedded upgrade script, e.g. <c>V001__event_store.sql</c> → version 1.</summary>
internal sealed partial record Migration(int Version, string Name, string Sql)
{
    /// <param name="prefix">Whose scripts: the resource names' part before <c>V&lt;nnn&gt;__</c>, as one assembly holds
    /// the scripts of several schemas.</param>
    public static IReadOnlyList<Migration> FromResources(Assembly assembly, string prefix)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var match = ScriptName().Match(resource[prefix.Length..]);
            if (!match.Success) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"two migrations share version {duplicate.Key} in {assembly.GetName().Name} ({prefix})");
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"^V(\d+)__(\w+)\.sql$")]
    private static partial Regex ScriptName();
}
