using System.Net;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>A first run as <c>./zlh.sh up</c> makes it: no Auth:AdminPassword, Auth:AdminPasswordFile set.</summary>
public sealed class PasswordFileApi : ApiFixture
{
    public PasswordFileApi()
    {
        Settings.Remove("Auth:AdminPassword");
        Settings["Auth:AdminPasswordFile"] = PasswordFile;
    }

    public string PasswordFile => Path.Combine(DataDirectory, "home", "admin.password");
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AdminPasswordFileTests(PasswordFileApi api) : IClassFixture<PasswordFileApi>
{
    [Fact]
    public async Task TheGeneratedPasswordGoesToAnOwnerOnlyFileAndNotToTheOutput()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(api.PasswordFile));
        var password = (await File.ReadAllLinesAsync(api.PasswordFile)).Single();
        await api.Host.PostLoginAsync("admin", password, HttpStatusCode.OK);

        var printed = api.OperatorOutput.ToString();
        Assert.Contains($"its password is in {api.PasswordFile}", printed);
        Assert.DoesNotContain(password, printed);
    }
}
