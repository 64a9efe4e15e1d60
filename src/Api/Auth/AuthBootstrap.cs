using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Auth;

/// <summary>
/// At start, after the schema migration: loads the signing key (a bad key stops the start), and on first
/// run creates the <c>admin</c> account, with Auth:AdminPassword or a generated password written to
/// Auth:AdminPasswordFile (0600), else printed once on the <see cref="OperatorConsole"/>.
/// </summary>
public sealed partial class AuthBootstrap(SigningKey key, NpgsqlDataSource db, IPasswordHasher<UserAccount> hasher,
    IOptions<AuthOptions> options, TimeProvider clock, OperatorConsole console, ILogger<AuthBootstrap> log) : IHostedService
{
    public const string AdminUsername = "admin";

    public async Task StartAsync(CancellationToken ct)
    {
        LogSigningKey(log, key.Source, key.Created);
        if (await AdminExists.ExecuteAsync(db, ct)) return;

        var configured = options.Value.AdminPassword;
        var password = string.IsNullOrEmpty(configured) ? NewPassword() : configured;
        var admin = new UserAccount(Guid.CreateVersion7(), AdminUsername, "", [Role.User, Role.Admin], clock.GetUtcNow(), false);
        admin = admin with { PasswordHash = hasher.HashPassword(admin, password) };
        if (!await InsertUser.ExecuteAsync(db, admin, ct))
        {
            // Another node won the race, or someone holds the name without the role.
            if (!await AdminExists.ExecuteAsync(db, ct)) LogNameTaken(log, AdminUsername);
            return;
        }

        LogAdminCreated(log, AdminUsername, admin.Id);
        if (!string.IsNullOrEmpty(configured)) return;
        if (options.Value.AdminPasswordFile is { Length: > 0 } file)
        {
            try
            {
                AdminPasswordFile.Write(file, password);
                console.WriteLine($"ZeroLagHub: created account '{AdminUsername}'; its password is in {Path.GetFullPath(file)} (readable by you only)");
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The account exists now: a password nobody can read would lock the operator out.
                LogPasswordFileFailed(log, file, e.Message);
            }
        }
        console.WriteLine($"ZeroLagHub: created account '{AdminUsername}' with password {password} (shown only this once)");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    [LoggerMessage(EventId = 630, Level = LogLevel.Information, Message = "Token signing key from {Source} (generated now: {Created})")]
    private static partial void LogSigningKey(ILogger log, string source, bool created);

    [LoggerMessage(EventId = 631, Level = LogLevel.Warning, Message = "Created the first admin account {Username} ({UserId}); its password is not logged")]
    private static partial void LogAdminCreated(ILogger log, string username, Guid userId);

    [LoggerMessage(EventId = 633, Level = LogLevel.Error, Message = "Could not write the admin password to {File} ({Error}); it is printed on the console instead")]
    private static partial void LogPasswordFileFailed(ILogger log, string file, string error);

    [LoggerMessage(EventId = 632, Level = LogLevel.Error,
        Message = "No admin account exists and the name {Username} is taken by a non-admin; grant admin to an account in zlh.users")]
    private static partial void LogNameTaken(ILogger log, string username);
}
