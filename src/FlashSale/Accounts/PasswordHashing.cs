using FlashSale.Operations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// ASP.NET Core Identity's hasher: PBKDF2-HMAC-SHA512, 100,000 iterations, per-password salt,
/// a versioned format that rehashes when the defaults grow.
/// </summary>
/// <remarks>
/// Every hash and check takes one of <see cref="PasswordHashingOptions.Concurrency"/> turns, waiting at most
/// <see cref="PasswordHashingOptions.MaxWait"/> behind at most <see cref="PasswordHashingOptions.Queue"/> others;
/// otherwise it is not computed (<see cref="PasswordCheck.Busy"/>, a null hash) and the caller answers 503. The rest of
/// the server keeps the other cores: a sign-in flood queues here instead of starving purchases and reads.
/// </remarks>
public sealed class PasswordHashing
{
    private static readonly object Subject = new();
    private readonly PasswordHasher<object> _hasher = new();
    private readonly SemaphoreSlim _turns;
    private readonly int _maxQueue;
    private readonly TimeSpan _maxWait;
    private readonly FlashSaleMetrics? _metrics;
    private int _waiting;
    private long _computed;

    public PasswordHashing(IOptions<PasswordHashingOptions>? options = null, FlashSaleMetrics? metrics = null)
    {
        var settings = options?.Value ?? new PasswordHashingOptions();
        Concurrency = settings.Concurrency;
        _turns = new SemaphoreSlim(Concurrency, Concurrency);
        _maxQueue = settings.Queue;
        _maxWait = settings.MaxWait;
        _metrics = metrics;
        RetryAfterSeconds = (int)Math.Max(1, Math.Ceiling(_maxWait.TotalSeconds));
    }

    public int Concurrency { get; }

    /// <summary>What a refused caller tells the client to wait (Retry-After): the longest wait, at least a second.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>Hashes and checks computed since start (not those refused): for tests.</summary>
    internal long Computed => Interlocked.Read(ref _computed);

    /// <summary>Turns taken now; a test holds them all to make every hash wait (<see cref="HoldAsync"/>).</summary>
    internal int InUse => Concurrency - _turns.CurrentCount;

    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>A new password's hash, or null when no turn came in time.</summary>
    public async ValueTask<string?> HashAsync(string password, CancellationToken ct)
    {
        if (!await EnterAsync(ct))
        {
            return null;
        }

        try
        {
            return Hash(password);
        }
        finally
        {
            _turns.Release();
        }
    }

    public async ValueTask<PasswordCheck> VerifyAsync(string hash, string password, CancellationToken ct)
    {
        if (!await EnterAsync(ct))
        {
            return PasswordCheck.Busy;
        }

        try
        {
            Interlocked.Increment(ref _computed);
            return _hasher.VerifyHashedPassword(Subject, hash, password) switch
            {
                PasswordVerificationResult.Success => PasswordCheck.Valid,
                PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.ValidRehash,
                _ => PasswordCheck.Invalid,
            };
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>Unbounded: only for the one decoy hash made at first use (<see cref="AccountService"/>).</summary>
    internal string Hash(string password)
    {
        Interlocked.Increment(ref _computed);
        return _hasher.HashPassword(Subject, password);
    }

    /// <summary>Takes every turn until disposed: hashes then wait, as behind a flood of sign-ins. For tests.</summary>
    internal async Task<IAsyncDisposable> HoldAsync()
    {
        for (var i = 0; i < Concurrency; i++)
        {
            await _turns.WaitAsync();
        }

        return new Held(this);
    }

    private async ValueTask<bool> EnterAsync(CancellationToken ct)
    {
        if (_turns.Wait(0, CancellationToken.None))
        {
            return true;
        }

        if (Interlocked.Increment(ref _waiting) > _maxQueue)
        {
            Interlocked.Decrement(ref _waiting);
            _metrics?.PasswordHashingRefused("queue_full");
            return false;
        }

        try
        {
            if (await _turns.WaitAsync(_maxWait, ct))
            {
                return true;
            }

            _metrics?.PasswordHashingRefused("timed_out");
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private sealed class Held(PasswordHashing owner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            owner._turns.Release(owner.Concurrency);
            return ValueTask.CompletedTask;
        }
    }
}

public enum PasswordCheck
{
    Invalid,
    Valid,
    ValidRehash,
    /// <summary>Not checked: no turn to hash came in time (<see cref="PasswordHashing"/>); the caller answers 503.</summary>
    Busy,
}
