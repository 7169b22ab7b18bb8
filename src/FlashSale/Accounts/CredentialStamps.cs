using System.Collections.Concurrent;
using System.Security.Cryptography;
using FlashSale.Storage;

namespace FlashSale.Accounts;

/// <summary>
/// Each account's credential stamp as this instance knows it. The stamp is random and replaced whenever the account's
/// password or role changes (<see cref="AdminAccount"/>); every bearer token and sign-in cookie carries the stamp it
/// was issued under (<see cref="AppClaims.CredentialStamp"/>), and one whose stamp is no longer the account's is
/// refused: a changed password ends every sign-in made with the old one, on every instance.
/// </summary>
/// <remarks>
/// A stamp read from the store is used for <see cref="Fresh"/> (30 s), so instances agree within that time and a
/// busy account costs one store read per 30 s, not one per request. If the store cannot be reached when a stamp is
/// due, the last one read is used and asked for again after <see cref="Fresh"/> (an outage of PostgreSQL does not
/// sign everyone out; nor can a password change be written then); for an account this instance has never read, the
/// store's failure is thrown on (a 503). Accounts not asked about for <see cref="Forgotten"/> are dropped, and at
/// most <see cref="Capacity"/> are kept (beyond it, each is read every time).
/// </remarks>
public sealed partial class CredentialStamps(IAccountStore accounts, TimeProvider clock, ILogger<CredentialStamps> log)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Forgotten = TimeSpan.FromHours(1);
    public const int Capacity = 100_000;
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, Known> _known = new();
    // One read per account at a time: the requests that find a stamp due share it (a sale's opening brings a buyer's
    // parallel requests, and every synthetic buyer shares its minting admin's stamp).
    private readonly ConcurrentDictionary<Guid, Lazy<Task<string?>>> _reading = new();
    private long _nextSweepTicks;

    /// <summary>A new random stamp: 128 bits as 32 lower-case hex digits (the migrations make the same shape).</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>True when <paramref name="stamp"/> is the account's stamp (as of at most <see cref="Fresh"/> ago).</summary>
    public async ValueTask<bool> IsCurrentAsync(Guid accountId, string? stamp, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(stamp))
        {
            return false;
        }

        var current = await CurrentAsync(accountId, ct);
        return current is not null && string.Equals(current, stamp, StringComparison.Ordinal);
    }

    /// <summary>The account's stamp, or null when there is no such account.</summary>
    public async ValueTask<string?> CurrentAsync(Guid accountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (_known.TryGetValue(accountId, out var known))
        {
            Volatile.Write(ref known.UsedAt, now);
            var age = now - known.ReadAt;
            // A clock set back makes the age negative: read again rather than trust it.
            if (age >= 0 && age < Fresh.Ticks)
            {
                return known.Stamp;
            }
        }

        var read = new Lazy<Task<string?>>(() => ReadAsync(accountId, known, now, CancellationToken.None).AsTask());
        var shared = _reading.GetOrAdd(accountId, read);
        try
        {
            return await shared.Value.WaitAsync(ct);
        }
        finally
        {
            if (ReferenceEquals(shared, read))
            {
                _reading.TryRemove(new KeyValuePair<Guid, Lazy<Task<string?>>>(accountId, read));
            }
        }
    }

    /// <summary>The account's stamp read from the store now, for a sign-in (whose cookie must carry the current one).</summary>
    public ValueTask<string?> ReadAsync(Guid accountId, CancellationToken ct) =>
        ReadAsync(accountId, null, clock.GetUtcNow().UtcTicks, ct);

    private async ValueTask<string?> ReadAsync(Guid accountId, Known? last, long now, CancellationToken ct)
    {
        string? stamp;
        try
        {
            stamp = await accounts.FindCredentialStampAsync(accountId, ct);
        }
        catch (Exception ex) when (last is not null && StoreUnavailableExceptionHandler.IsStoreUnavailable(ex))
        {
            // Kept as if read now: the store is asked again after Fresh, not by every request meanwhile (nor logged).
            LogStale(log, accountId, ex.GetType().Name, ex.Message);
            Remember(accountId, last.Stamp, now);
            return last.Stamp;
        }

        Remember(accountId, stamp, now);
        return stamp;
    }

    /// <summary>Keeps the stamp read at <paramref name="now"/> unless a read begun later is already kept: the sign-in's own
    /// read and a request's run side by side, and the one begun first (perhaps before a change committed) may end last.</summary>
    private void Remember(Guid accountId, string? stamp, long now)
    {
        SweepIfDue(now);
        if (_known.Count < Capacity || _known.ContainsKey(accountId))
        {
            var read = new Known(stamp, now) { UsedAt = now };
            _known.AddOrUpdate(accountId, read, (_, kept) => kept.ReadAt > now ? kept : read);
        }
    }

    private void SweepIfDue(long now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextSweepTicks, now + SweepEvery.Ticks, next) != next)
        {
            return;
        }

        foreach (var (id, known) in _known)
        {
            if (now - Volatile.Read(ref known.UsedAt) > Forgotten.Ticks)
            {
                _known.TryRemove(new KeyValuePair<Guid, Known>(id, known));
            }
        }
    }

    private sealed class Known(string? stamp, long readAt)
    {
        public string? Stamp { get; } = stamp;

        public long ReadAt { get; } = readAt;

        /// <summary>When it was last asked for (ticks), so accounts nobody uses are forgotten.</summary>
        public long UsedAt;
    }

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Credential stamp of account {AccountId} could not be read ({Error}: {Detail}); the last one read is used")]
    private static partial void LogStale(ILogger log, Guid accountId, string error, string detail);
}
