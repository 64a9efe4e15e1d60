using System.Net;
using System.Text.RegularExpressions;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>A first run with neither Auth:AdminPassword nor Auth:SigningKey configured.</summary>
public sealed class FirstRunApi : ApiFixture
{
    public FirstRunApi() => Settings.Remove("Auth:AdminPassword");
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class BootstrapTests(FirstRunApi api) : IClassFixture<FirstRunApi>
{
    [Fact]
    public async Task TheAdminIsCreatedOnceAndItsGeneratedPasswordPrintedOnce()
    {
        var printed = GeneratedPassword().Matches(api.OperatorOutput.ToString());
        var password = Assert.Single(printed).Groups[1].Value;

        var session = await api.Host.LoginAsync("admin", password);
        var me = await (await api.Host.GetMeAsync(session.AccessToken, HttpStatusCode.OK)).ReadAsJsonAsync<UserResponse>();
        Assert.Contains(Role.Admin, me.Roles);

        // A second start on the same database creates and prints nothing.
        await using (var second = await api.StartAnotherAsync())
        {
            await second.PostLoginAsync("admin", password, HttpStatusCode.OK);
        }
        Assert.Single(GeneratedPassword().Matches(api.OperatorOutput.ToString()));
        Assert.Equal(1L, await api.Database.ScalarAsync("SELECT count(*) FROM zlh.users WHERE 'admin' = ANY (roles)"));
    }

    [Fact]
    public async Task TheKeyFileIsCreatedOwnerOnlyAndReusedByTheNextStart()
    {
        var path = Path.Combine(api.DataDirectory, "auth-signing.key");
        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var key = await File.ReadAllTextAsync(path);
        Assert.True(Convert.FromBase64String(key.Trim()).Length >= SigningKey.MinimumBytes);

        var token = api.Services.GetRequiredService<AccessTokenIssuer>().Issue(Guid.NewGuid(), "someone", [Role.User], Guid.NewGuid()).Token;
        await using var second = await api.StartAnotherAsync();
        var check = await second.Services.GetRequiredService<TokenService>().ValidateAsync(token, TokenTypes.Access);
        Assert.True(check.IsValid, check.Failure);
        Assert.Equal(key, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task AKeyFileReadableByOthersStopsTheStart()
    {
        var directory = Directory.CreateTempSubdirectory("zlh-key-").FullName;
        try
        {
            var path = Path.Combine(directory, "shared.key");
            await File.WriteAllTextAsync(path, Convert.ToBase64String(new byte[32]));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            var error = await Assert.ThrowsAnyAsync<Exception>(() => api.StartAnotherAsync(b => b.UseSetting("Auth:KeyFile", path)));
            Assert.Contains("chmod 600", error.ToString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"account 'admin' with password (\S+)")]
    private static partial Regex GeneratedPassword();
}

public sealed class ConfiguredAdminTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task AConfiguredAdminPasswordIsUsedAndNothingIsPrinted()
    {
        await api.Host.PostLoginAsync("admin", ApiFixture.AdminPassword, HttpStatusCode.OK);
        Assert.Equal("", api.OperatorOutput.ToString());
    }
}
