using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// Makes sure an admin exists. The password comes from configuration (<c>Admin:Password</c>);
/// without one, a random password is generated and printed once — it is never a default.
/// </summary>
public static partial class AdminAccount
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var store = services.GetRequiredService<IAccountStore>();
        var accounts = services.GetRequiredService<AccountService>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("FlashSale.Admin");

        var existing = await store.FindByUsernameAsync(options.Username, ct);
        if (existing is not null)
        {
            RefuseUnlessAdmin(existing);
            if (!string.IsNullOrEmpty(options.Password) && await accounts.SignInAsync(options.Username, options.Password, ct) is null)
            {
                // Configuration is the source of truth for the admin password: rotate it.
                await store.UpdatePasswordHashAsync(existing.Id, services.GetRequiredService<PasswordHashing>().Hash(options.Password), ct);
                LogRotated(log, options.Username);
            }

            return;
        }

        var password = options.Password;
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        }

        if (await accounts.RegisterAsync(options.Username, password!, Roles.Admin, ct) is null)
        {
            // Taken since the look-up: another instance starting made the admin, or a buyer registered the name.
            RefuseUnlessAdmin(await store.FindByUsernameAsync(options.Username, ct)
                ?? throw new InvalidOperationException($"Admin:Username '{options.Username}' could not be created; start again."));
            return;
        }

        if (generated)
        {
            // Printed, not logged: log sinks are kept and shipped; this line is for the person starting the server.
            Console.WriteLine($"""

                ============================================================
                 FlashSale admin account created
                   username: {options.Username}
                   password: {password}
                 Shown once. Set Admin__Password to choose your own.
                ============================================================

                """);
        }
        else
        {
            LogCreated(log, options.Username);
        }
    }

    /// <summary>
    /// The admin is found by name only: a buyer who holds that name must not have their password replaced by the
    /// admin's (their account taken over, and still no admin). The start stops instead.
    /// </summary>
    private static void RefuseUnlessAdmin(Account account)
    {
        if (account.Role != Roles.Admin)
        {
            throw new InvalidOperationException(
                $"Admin:Username '{account.Username}' belongs to an account that is not an admin (role '{account.Role}'); "
                + "it is left as it is. Choose another Admin:Username.");
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Admin account {Username} created from configuration")]
    private static partial void LogCreated(ILogger log, string username);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Admin account {Username}: password rotated from configuration")]
    private static partial void LogRotated(ILogger log, string username);
}
