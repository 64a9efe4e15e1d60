using System.Diagnostics;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Messaging;

/// <summary>
/// The API runs Wolverine's handler code as committed in src/Api/Internal/Generated (TypeLoadMode.Static):
/// a handler or option changed without `codegen write` would run stale code, or fail at start.
/// This runs the very command the README gives, in a scratch folder, and compares what it writes.
/// </summary>
public sealed class GeneratedCodeTests
{
    private const string Generated = "Internal/Generated";

    [Fact]
    public async Task TheCommittedHandlerCodeIsWhatCodegenWritesNow()
    {
        var scratch = Directory.CreateTempSubdirectory("zlh-codegen-");
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = scratch.FullName,   // the content root, under which codegen writes
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ZeroLagHub.Api.dll"));
            start.ArgumentList.Add("codegen");
            start.ArgumentList.Add("write");
            // Never connected to: code generation reads the configuration only.
            start.Environment["ZLH_POSTGRES"] = "Host=127.0.0.1;Port=1;Username=codegen;Password=codegen;Database=codegen";
            start.Environment["ZLH_DATA"] = scratch.FullName;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(process.ExitCode == 0, $"codegen write failed ({process.ExitCode}): {await stdout}{await stderr}");

            var fresh = Files(Path.Combine(scratch.FullName, Generated));
            var committed = Files(Path.Combine(TestServices.RepositoryRoot(), "src/Api", Generated));
            Assert.NotEmpty(fresh);
            const string fix = "stale: run `cd src/Api && ZLH_POSTGRES=Host=unused dotnet run -- codegen write` and commit Internal/Generated";
            Assert.True(fresh.Keys.Order().SequenceEqual(committed.Keys.Order()),
                $"{fix}. Written: {string.Join(", ", fresh.Keys.Order())}; committed: {string.Join(", ", committed.Keys.Order())}");
            foreach (var (name, text) in fresh)
                Assert.True(text == committed[name], $"{fix} ({name} differs)");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(root, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];
}
