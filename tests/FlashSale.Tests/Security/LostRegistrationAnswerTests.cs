using System.Net;
using FlashSale.Accounts;
using FlashSale.Storage.Embedded;
using FlashSale.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Security;

/// <summary>
/// A registration whose account the record committed before the store failed (an answer lost on the way back) is not
/// answered "nothing was changed": the account exists, and a second registration of the name would be username_taken.
/// The 503 says it may have been created and to sign in first (until 2026-12-07 it said nothing changed).
/// </summary>
public sealed class LostRegistrationAnswerTests() : AdminAppTest(new TestApp(services: services =>
{
    services.AddSingleton<SqliteAccountStore>();
    services.Replace(ServiceDescriptor.Singleton<IAccountStore>(sp => new FailingAfterCreate(sp.GetRequiredService<SqliteAccountStore>())));
}))
{
    [Fact]
    public async Task ARegistrationCommittedBeforeTheStoreFailed_SaysItMayHaveBeenCreated_AndItWas()
    {
        var username = "lost-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""{"username":"{{username}}","password":"long-enough-1"}""";
        ((FailingAfterCreate)App.Services.GetRequiredService<IAccountStore>()).Armed = true;

        using var failed = await Admin.Anonymous().PostJsonAsync("/api/v1/accounts", body);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(AccountsApi.RegistrationUnfinished, await Api.DetailAsync(failed));
        using var signedIn = await Admin.Anonymous().PostJsonAsync("/api/v1/auth/token", body);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    /// <summary>The real store, whose account insert, once armed (not the admin's at start), commits and then fails as an I/O error would.</summary>
    private sealed class FailingAfterCreate(IAccountStore inner) : IAccountStore
    {
        public volatile bool Armed;

        public async Task<bool> TryCreateAsync(Account account, CancellationToken ct)
        {
            var created = await inner.TryCreateAsync(account, ct);
            return Armed ? throw new SqliteException("disk I/O error", 10) : created;
        }

        public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct) => inner.FindByUsernameAsync(username, ct);

        public Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct) => inner.FindCredentialStampAsync(id, ct);

        public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct) => inner.FindNonBuyersAsync(ct);

        public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct) => inner.UpdatePasswordHashAsync(id, passwordHash, ct);

        public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
            inner.ChangePasswordAsync(id, passwordHash, credentialStamp, ct);

        public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) =>
            inner.ChangeRoleAsync(id, role, credentialStamp, ct);
    }
}
