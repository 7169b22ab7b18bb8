using FlashSale.Accounts;
using FlashSale.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The server's account record as it is, with its credential stamp reads failing (the store not answering) or an account
/// insert failing after it committed (a lost answer), when a test asks. The account store's counterpart of FaultySaleStore.
/// </summary>
public sealed class FaultyAccountStore(IAccountStore inner) : IAccountStore
{
    /// <summary>Makes the server's account record this wrapper around the store it registered (SQLite or PostgreSQL).</summary>
    public static void Wrap(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IAccountStore)).ImplementationType!;
        services.AddSingleton(original);
        services.AddSingleton(sp => new FaultyAccountStore((IAccountStore)sp.GetRequiredService(original)));
        services.Replace(ServiceDescriptor.Singleton<IAccountStore>(sp => sp.GetRequiredService<FaultyAccountStore>()));
    }

    /// <summary>Credential stamp reads throw as a store that is not answering does.</summary>
    public volatile bool StampReadsDown;

    /// <summary>Thrown after an account insert has committed (not the admin's at start, unless set before it).</summary>
    public Exception? FailAfterCreate { get; set; }

    public Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct) => StampReadsDown
        ? throw new StoreUnavailableException("The account store is not answering.")
        : inner.FindCredentialStampAsync(id, ct);

    public async Task<bool> TryCreateAsync(Account account, CancellationToken ct)
    {
        var created = await inner.TryCreateAsync(account, ct);
        return FailAfterCreate is { } failure ? throw failure : created;
    }

    public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct) => inner.FindByUsernameAsync(username, ct);

    public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct) => inner.FindNonBuyersAsync(ct);

    public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct) => inner.UpdatePasswordHashAsync(id, passwordHash, ct);

    public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
        inner.ChangePasswordAsync(id, passwordHash, credentialStamp, ct);

    public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) =>
        inner.ChangeRoleAsync(id, role, credentialStamp, ct);
}
