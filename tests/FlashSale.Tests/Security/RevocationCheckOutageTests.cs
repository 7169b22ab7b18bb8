using System.Net;
using FlashSale.Accounts;
using FlashSale.Storage;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Security;

/// <summary>
/// A token or cookie whose credential stamp cannot be read (the account store down, and the account not read by this
/// instance before) is not known to be revoked nor known to be good: 503 + Retry-After, as for any store that is
/// down (G7), never a 401 that sends the client to sign in again, nor a pass.
/// </summary>
public sealed class RevocationCheckOutageTests
{
    [Fact]
    public async Task AStampThatCannotBeRead_Is503_ForATokenAndForACookie()
    {
        await using var storage = TestStorage.Create(StorageKind.Embedded);
        string token, cookie;
        await using (var first = new TestApp(storage: storage))
        {
            token = (await Api.AsAdminAsync(first.CreateClient())).Token!;
            cookie = await CredentialRevocationTests.SignInCookieAsync(first, "admin", TestApp.AdminPassword);
        }

        var stamps = new StampReads();
        await using var second = new TestApp(storage: storage, services: services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(IAccountStore)).ImplementationType!;
            services.AddSingleton(original);
            services.Replace(ServiceDescriptor.Singleton<IAccountStore>(sp => stamps.Wrap((IAccountStore)sp.GetRequiredService(original))));
        });
        second.StartServer();
        stamps.Down = true;

        using var api = await CredentialRevocationTests.GetAsync(second, "/api/v1/admin/sales", bearer: token);
        using var page = await CredentialRevocationTests.GetAsync(second, "/api/v1/me/orders", cookie: cookie);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("unavailable", await Api.ReasonAsync(api));
        Assert.NotNull(api.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);

        stamps.Down = false;
        using var back = await CredentialRevocationTests.GetAsync(second, "/api/v1/admin/sales", bearer: token);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    private sealed class StampReads
    {
        public volatile bool Down;

        public IAccountStore Wrap(IAccountStore inner) => new Store(inner, this);

        private sealed class Store(IAccountStore inner, StampReads reads) : IAccountStore
        {
            public Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct) => reads.Down
                ? throw new StoreUnavailableException("The account store is not answering.")
                : inner.FindCredentialStampAsync(id, ct);

            public Task<bool> TryCreateAsync(Account account, CancellationToken ct) => inner.TryCreateAsync(account, ct);

            public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct) => inner.FindByUsernameAsync(username, ct);

            public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct) => inner.FindNonBuyersAsync(ct);

            public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct) =>
                inner.UpdatePasswordHashAsync(id, passwordHash, ct);

            public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
                inner.ChangePasswordAsync(id, passwordHash, credentialStamp, ct);

            public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) =>
                inner.ChangeRoleAsync(id, role, credentialStamp, ct);
        }
    }
}
