using System.Security.Cryptography;
using FlashSale.Storage;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// Makes sure an admin exists. The password comes from configuration (<c>Admin:Password</c>); without one, a random
/// password is generated — it is never a default. In Development it is printed once; elsewhere it is written to
/// <c>admin-password</c> in the data folder, readable by the server's user only, and only that path is printed and
/// logged: a production console is a log, shipped and kept, and a secret in it is a leak.
/// </summary>
/// <remarks>
/// There is one admin: the account named <c>Admin:Username</c>. Any other admin account (the name was changed) is
/// retired at the start: its role becomes <see cref="Roles.FormerAdmin"/>, which cannot sign in, and its credential
/// stamp is replaced, so its tokens and cookies stop working. Configuring its name again makes it the admin again.
/// A password set from configuration replaces the stamp too (<see cref="CredentialStamps"/>).
/// </remarks>
public static partial class AdminAccount
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var store = services.GetRequiredService<IAccountStore>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("FlashSale.Admin");
        if (!string.IsNullOrEmpty(options.Password) && NewPasswordRules.IsGuessable(options.Password, options.Username))
        {
            // The most valuable account, set by the operator, not refused (an existing deployment keeps starting), but said
            // at every start: a buyer could not register with it (a review, 2026-12-07).
            LogGuessablePassword(log, options.Username);
        }

        var admin = await EnsureConfiguredAsync(services, options, store, log, ct);
        foreach (var other in await store.FindNonBuyersAsync(ct))
        {
            if (other.Role == Roles.Admin && other.Id != admin.Id)
            {
                await store.ChangeRoleAsync(other.Id, Roles.FormerAdmin, CredentialStamps.New(), ct);
                LogRetired(log, other.Username, admin.Username);
            }
        }
    }

    /// <summary>The account named <c>Admin:Username</c>, made, reinstated or given the configured password as needed.</summary>
    private static async Task<Account> EnsureConfiguredAsync(IServiceProvider services, AdminOptions options, IAccountStore store,
        ILogger log, CancellationToken ct)
    {
        var accounts = services.GetRequiredService<AccountService>();
        var existing = await store.FindByUsernameAsync(options.Username, ct);
        if (existing is not null)
        {
            RefuseUnlessAdmin(existing);
            if (existing.Role == Roles.FormerAdmin)
            {
                await store.ChangeRoleAsync(existing.Id, Roles.Admin, CredentialStamps.New(), ct);
                LogReinstated(log, existing.Username);
            }

            if (!string.IsNullOrEmpty(options.Password) && !await IsCurrentAsync(accounts, options, ct))
            {
                // Configuration is the source of truth for the admin password: rotate it, and with it the credential
                // stamp, so every token and cookie issued under the old password stops working.
                var hash = await services.GetRequiredService<PasswordHashing>().HashAsync(options.Password, ct)
                    ?? throw new InvalidOperationException("No password-hashing turn for the admin password; start again.");
                await store.ChangePasswordAsync(existing.Id, hash, CredentialStamps.New(), ct);
                LogRotated(log, options.Username);
                if (GeneratedPasswordFile.RemoveStale(services.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath) is { } stale)
                {
                    LogStaleFileRemoved(log, stale);
                }
            }

            return existing;
        }

        var password = options.Password;
        var generated = string.IsNullOrEmpty(password);
        string? passwordFile = null;
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
            if (!services.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                // Before the account exists: a file that cannot be written stops the start with no admin made, rather
                // than an admin whose password nobody has.
                passwordFile = GeneratedPasswordFile.Write(services.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath, password);
            }
        }

        var registered = await accounts.RegisterAsync(options.Username, password!, Roles.Admin, ct);
        var created = registered.Account;
        if (created is null && passwordFile is not null)
        {
            // Not this password's account: the file must not tell anyone it is.
            File.Delete(passwordFile);
        }

        if (registered.Outcome == RegisterOutcome.Busy)
        {
            throw new InvalidOperationException("No password-hashing turn for the admin password; start again.");
        }

        if (created is null)
        {
            // Taken since the look-up: another instance starting made the admin, or a buyer registered the name.
            var taken = await store.FindByUsernameAsync(options.Username, ct)
                ?? throw new InvalidOperationException($"Admin:Username '{options.Username}' could not be created; start again.");
            RefuseUnlessAdmin(taken);
            return taken;
        }

        if (passwordFile is not null)
        {
            // Outside Development the console is a log: kept, shipped, read by more people than the admin. The password
            // stays in a file only this user can read; the console and the log say where.
            LogCreatedWithPasswordFile(log, options.Username, passwordFile);
            Console.WriteLine($"""

                ============================================================
                 FlashSale admin account created
                   username: {options.Username}
                   password: in {passwordFile} (readable by this user only)
                 Sign in, then delete the file. Set Admin__Password to choose your own.
                ============================================================

                """);
        }
        else if (generated)
        {
            // Development: printed for the person at the terminal, never logged.
            Console.WriteLine($"""

                ============================================================
                 FlashSale admin account created
                   username: {options.Username}
                   password: {password}
                 Shown once (Development only). Set Admin__Password to choose your own.
                ============================================================

                """);
        }
        else
        {
            LogCreated(log, options.Username);
        }

        return created;
    }

    /// <summary>Whether Admin:Password is the admin's password now (checked like a sign-in, neither throttled nor counted).</summary>
    private static async Task<bool> IsCurrentAsync(AccountService accounts, AdminOptions options, CancellationToken ct)
    {
        var (account, check) = await accounts.CheckAsync(options.Username, options.Password!, ct);
        return check == PasswordCheck.Busy
            ? throw new InvalidOperationException("No password-hashing turn to check the admin password; start again.")
            : account is not null;
    }

    /// <summary>
    /// The admin is found by name only: a buyer who holds that name must not have their password replaced by the
    /// admin's (their account taken over, and still no admin). The start stops instead.
    /// </summary>
    private static void RefuseUnlessAdmin(Account account)
    {
        if (account.Role is not (Roles.Admin or Roles.FormerAdmin))
        {
            throw new InvalidOperationException(
                $"Admin:Username '{account.Username}' belongs to an account that is not an admin (role '{account.Role}'); "
                + "it is left as it is. Choose another Admin:Username.");
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
        Message = "Admin:Password for {Username} is easy to guess (a common password, a run such as 12345678, or the username); set another")]
    private static partial void LogGuessablePassword(ILogger log, string username);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Admin account {Username} created from configuration")]
    private static partial void LogCreated(ILogger log, string username);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning,
        Message = "Admin account {Username} created with a generated password, written to {PasswordFile}: sign in, then delete the file, or set Admin:Password")]
    private static partial void LogCreatedWithPasswordFile(ILogger log, string username, string passwordFile);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Admin account {Username} retired: Admin:Username is now {Admin}; it can no longer sign in, and its tokens and cookies no longer work")]
    private static partial void LogRetired(ILogger log, string username, string admin);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Admin account {Username} reinstated: Admin:Username names it again")]
    private static partial void LogReinstated(ILogger log, string username);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Admin account {Username}: password rotated from configuration")]
    private static partial void LogRotated(ILogger log, string username);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information,
        Message = "Deleted {PasswordFile}: the generated admin password it held is no longer the admin's (rotated from Admin:Password)")]
    private static partial void LogStaleFileRemoved(ILogger log, string passwordFile);
}
