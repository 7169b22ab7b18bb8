using System.Collections.Concurrent;
using FlashSale.Accounts;

namespace FlashSale.Tests.Infrastructure;

/// <summary>Accounts in a dictionary, for tests of the authentication setup without a server; <see cref="Fail"/> makes it a store that is down.</summary>
public sealed class InMemoryAccountStore : IAccountStore
{
    private readonly ConcurrentDictionary<Guid, Account> _accounts = new();

    /// <summary>Thrown by every call while set.</summary>
    public Exception? Fail { get; set; }

    /// <summary>Calls of <see cref="FindCredentialStampAsync"/> so far.</summary>
    public int StampReads;

    /// <summary>A buyer account, created in the store.</summary>
    public Account Add(string username = "alice", string role = Roles.Buyer)
    {
        var account = new Account(Guid.NewGuid(), username, "not-a-hash", role, DateTimeOffset.UtcNow, CredentialStamps.New());
        _accounts[account.Id] = account;
        return account;
    }

    public Task<bool> TryCreateAsync(Account account, CancellationToken ct)
    {
        ThrowIfFailing();
        return Task.FromResult(!_accounts.Values.Any(a => string.Equals(a.Username, account.Username, StringComparison.OrdinalIgnoreCase))
            && _accounts.TryAdd(account.Id, account));
    }

    public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct)
    {
        ThrowIfFailing();
        return Task.FromResult(_accounts.Values.FirstOrDefault(a => string.Equals(a.Username, username, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>While set, stamp reads wait for it (to hold reads in flight).</summary>
    public Task? HoldStampReads { get; set; }

    public async Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct)
    {
        Interlocked.Increment(ref StampReads);
        if (HoldStampReads is { } hold)
        {
            await hold;
        }

        ThrowIfFailing();
        return _accounts.TryGetValue(id, out var account) ? account.CredentialStamp : null;
    }

    public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<Account>>([.. _accounts.Values.Where(a => a.Role != Roles.Buyer)]);
    }

    public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct) =>
        Change(id, a => a with { PasswordHash = passwordHash });

    public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
        Change(id, a => a with { PasswordHash = passwordHash, CredentialStamp = credentialStamp });

    public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) =>
        Change(id, a => a with { Role = role, CredentialStamp = credentialStamp });

    private Task Change(Guid id, Func<Account, Account> change)
    {
        ThrowIfFailing();
        _accounts.AddOrUpdate(id, _ => throw new KeyNotFoundException(), (_, a) => change(a));
        return Task.CompletedTask;
    }

    private void ThrowIfFailing()
    {
        if (Fail is not null)
        {
            throw Fail;
        }
    }
}
