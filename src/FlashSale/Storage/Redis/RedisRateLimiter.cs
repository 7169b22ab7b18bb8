using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FlashSale.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// Sliding-window counters shared by every instance: one Lua script call checks a request's rules, one key each
/// (<see cref="Key(string, string, string)"/>), Redis's clock, keys expiring two windows after their last counted request.
/// A rule that admits a request may lease this instance a few more of the subject's permits (counted in Redis at
/// once), which its next requests spend without a round trip; unspent ones are given back when the lease expires.
/// So every instance together never admits more than the limit, and a busy subject costs a round trip per lease,
/// not per request. A Redis failure propagates; the middleware answers 503 (fails closed).
/// <para>
/// A call is bounded by <see cref="DistributedOptions.RateLimitTimeout"/> (1 s), not the connection's 5 s: a Redis
/// that stalls (reachable, not answering) answers 503 quickly instead of holding every request. A failure or timeout
/// opens a <see cref="CircuitBreaker"/> for <see cref="DistributedOptions.RateLimitBreak"/>: requests that need Redis
/// meanwhile get their 503 at once (<see cref="RateLimitStoreUnavailableException"/>), those with a leased permit at
/// hand still spend it, then one request probes. A call answered after its bound is not lost: whatever it counted is
/// given back once the answer arrives (<see cref="GiveBackLateAsync"/>), the lease itself never sees it.
/// </para>
/// <para>
/// On a Cluster there is one breaker per node (the master that owns the key's slot, <see cref="BreakerFor"/>): the rules'
/// keys are spread over every slot, so a master down opens the breaker of its keys only, and the subjects whose keys live
/// on the other masters are served as ever. Until 2026-12-06 one breaker served the instance: a request whose key was on
/// a dead master refused everyone's (an audit killed a master not owning the sale's slot: 32,016 × 503 in ~9 s).
/// </para>
/// </summary>
public sealed partial class RedisRateLimiter : IRateLimiter, IDisposable
{
    private static readonly RedisScript Script = new("ratelimit");
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMilliseconds(100);
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisRateLimiterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger? _log;
    private readonly ConcurrentDictionary<string, RateLimitLease> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RateLimitGiveBack> _giveBacks = new();
    private readonly ITimer _sweep;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _breakFor;
    private readonly CircuitBreaker _breaker;
    private readonly ConcurrentDictionary<System.Net.EndPoint, CircuitBreaker> _nodeBreakers = new();
    private int _sweeping;
    private long _roundTrips;

    /// <summary>How long a refused request waits for concurrent asks' grants to land before it takes the 429.</summary>
    private static readonly TimeSpan SettleWait = TimeSpan.FromMilliseconds(250);
    private bool? _cluster;

    public RedisRateLimiter(IConnectionMultiplexer redis, IOptions<RedisRateLimiterOptions>? options = null,
        TimeProvider? time = null, ILogger<RedisRateLimiter>? log = null, IOptions<DistributedOptions>? distributed = null)
    {
        _redis = redis;
        _options = options?.Value ?? new RedisRateLimiterOptions();
        _time = time ?? TimeProvider.System;
        _log = log;
        // Built by hand without the deployment's options (tests): the connection's own timeout bounds a call, as before.
        var bounds = distributed?.Value ?? new DistributedOptions { RateLimitTimeout = Timeout.InfiniteTimeSpan };
        _timeout = bounds.RateLimitTimeout;
        _breakFor = bounds.RateLimitBreak;
        _breaker = new CircuitBreaker(_breakFor, _time);
        // Leasing off (MaxPermits 1) too: quiet subjects' entries are forgotten, and late answers' counts given back.
        _sweep = _time.CreateTimer(_ => _ = SweepAsync(), null, SweepEvery, SweepEvery);
    }

    /// <summary>Round trips to Redis for requests (not give-backs) since start: what leasing saves.</summary>
    internal long RoundTrips => Interlocked.Read(ref _roundTrips);

    public async ValueTask<RateLimitDecision> AcquireAsync(RateLimitRule rule, string subject, CancellationToken ct) =>
        (await AcquireAllAsync([new RateLimitCheck(rule, subject)], ct)).Decision;

    /// <summary>
    /// Queued with the leases' give-backs (sent within <see cref="SweepEvery"/>). The window is this instance's clock's:
    /// Redis's own may differ by a skew, and a give-back that finds neither window it names gives nothing back.
    /// </summary>
    public void GiveBack(RateLimitRule rule, string subject, DateTimeOffset countedAt)
    {
        var windowMs = (long)rule.Window.TotalMilliseconds;
        _giveBacks.Enqueue(new RateLimitGiveBack(Key(_options.KeyPrefix, rule.Name, subject), windowMs, 1,
            countedAt.ToUnixTimeMilliseconds() / windowMs));
    }

    /// <summary>
    /// Rules with a leased permit at hand are counted here; the others in one script call on a single Redis
    /// (one call per rule on a Cluster, where each key has its own slot), in the request's rule order. If a rule
    /// refuses, permits spent here for the rules after it are put back: as with one call per rule, a refusal
    /// leaves the later rules uncounted.
    /// </summary>
    public async ValueTask<(int Refused, RateLimitDecision Decision)> AcquireAllAsync(
        IReadOnlyList<RateLimitCheck> checks, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = _time.GetTimestamp();
        var leases = new RateLimitLease[checks.Count];
        var spent = new bool[checks.Count];
        List<int>? remote = null;
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            (leases[i], spent[i]) = Spend(Key(_options.KeyPrefix, check.Rule.Name, check.Subject), check.Rule, now);
            if (!spent[i])
            {
                (remote ??= new List<int>(checks.Count)).Add(i);
            }
        }

        if (remote is null)
        {
            return (-1, RateLimitDecision.Allow);
        }

        try
        {
            while (true)
            {
                var (refused, decision) = await DecideAsync(checks, leases, remote);
                if (refused < 0)
                {
                    return (refused, decision);
                }

                // Redis may have refused because this instance holds the permits: a lease granted to a concurrent
                // request of the same subject while this one was asking. Those are for spending, not a 429; their
                // grant may still be on its way into the lease, so wait (briefly) until no ask is in flight.
                var settled = leases[refused].Settled();
                if (!settled.IsCompleted)
                {
                    await Task.WhenAny(settled, Task.Delay(SettleWait, CancellationToken.None));
                }

                if (leases[refused].TrySpend(_time.GetTimestamp(), out _))
                {
                    spent[refused] = true;
                    remote = remote.SkipWhile(i => i != refused).Skip(1).ToList();
                    if (remote.Count == 0)
                    {
                        return (-1, RateLimitDecision.Allow);
                    }

                    continue;
                }

                PutBack(leases, spent, after: refused);
                return (refused, decision);
            }
        }
        catch
        {
            PutBack(leases, spent, after: -1);
            throw;
        }
    }

    private (RateLimitLease Lease, bool Spent) Spend(string key, RateLimitRule rule, long now)
    {
        while (true)
        {
            var lease = _leases.GetOrAdd(key, static (k, ms) => new RateLimitLease(k, ms), (long)rule.Window.TotalMilliseconds);
            var spent = lease.TrySpend(now, out var retired);
            if (!retired)
            {
                return (lease, spent);
            }
        }
    }

    private void PutBack(RateLimitLease[] leases, bool[] spent, int after)
    {
        for (var i = after + 1; i < leases.Length; i++)
        {
            if (spent[i] && leases[i].Unspend() is { } giveBack)
            {
                _giveBacks.Enqueue(giveBack);
            }
        }
    }

    private async Task<(int Refused, RateLimitDecision Decision)> DecideAsync(
        IReadOnlyList<RateLimitCheck> checks, RateLimitLease[] leases, List<int> remote)
    {
        if (remote.Count <= 1 || !IsCluster)
        {
            try
            {
                return await RunAsync(checks, leases, remote);
            }
            catch (Exception ex) when (remote.Count > 1 && ex is RedisCommandException or RedisServerException
                && ex.Message.Contains("slot", StringComparison.OrdinalIgnoreCase))
            {
                // Keys in different slots (a Cluster the check above missed): refused before anything ran; one rule per call from now on.
                _cluster = true;
            }
        }

        foreach (var index in remote)
        {
            var (refused, decision) = await RunAsync(checks, leases, [index]);
            if (refused >= 0)
            {
                return (refused, decision);
            }
        }

        return (-1, RateLimitDecision.Allow);
    }

    private bool IsCluster => _cluster ??= _redis.GetEndPoints().Any(e => _redis.GetServer(e).ServerType == ServerType.Cluster);

    /// <summary>
    /// One script call for the given checks (by index, in order); grants are added to their leases. Refused at once
    /// while the breaker is open; a failure or a call past <see cref="DistributedOptions.RateLimitTimeout"/> opens it.
    /// Either way the request gets <see cref="RateLimitStoreUnavailableException"/> (503).
    /// </summary>
    private async Task<(int Refused, RateLimitDecision Decision)> RunAsync(
        IReadOnlyList<RateLimitCheck> checks, RateLimitLease[] leases, IReadOnlyList<int> indexes)
    {
        var breaker = BreakerFor(leases[indexes[0]].Key);
        if (!breaker.TryEnter(out var probe))
        {
            throw new RateLimitStoreUnavailableException("The rate limiter's Redis failed a moment ago; not asked again yet.");
        }

        try
        {
            var decided = await CallAsync(checks, leases, indexes);
            if (breaker.Succeeded(probe) && _log is not null)
            {
                LogStoreRecovered(_log);
            }

            return decided;
        }
        catch (Exception ex) when (ex is TimeoutException or TaskCanceledException || RedisFailure.IsOutage(ex))
        {
            if (breaker.Failed(probe) && _log is not null)
            {
                LogStoreFailed(_log, ex, (long)_timeout.TotalMilliseconds, (long)_breakFor.TotalMilliseconds);
            }

            throw new RateLimitStoreUnavailableException("The rate limiter's Redis is not answering.", ex);
        }
        catch
        {
            // An error of the call's own (a script error, keys in different slots): Redis answered; the next call probes.
            breaker.Release(probe);
            throw;
        }
    }

    /// <summary>
    /// The breaker of the node a key lives on: on a Cluster, the master owning its slot as the connection's slot map has
    /// it (no round trip); on a single Redis, or a slot not mapped yet, the instance's one.
    /// </summary>
    private CircuitBreaker BreakerFor(RedisKey key)
    {
        if (!IsCluster)
        {
            return _breaker;
        }

        // The slot's owner by the cluster's own map (CLUSTER NODES as the connection last read it: local, no round trip),
        // whether or not that node is reachable. The connection's routing would not do: for a node it cannot reach it picks
        // another, whose breaker the dead node's failures would then open.
        System.Net.EndPoint? node = null;
        foreach (var server in _redis.GetServers())
        {
            if (server.IsConnected && server.ClusterConfiguration?.GetBySlot(key)?.EndPoint is { } owner)
            {
                node = owner;
                break;
            }
        }

        if (node is null)
        {
            return _breaker;
        }

        return _nodeBreakers.GetOrAdd(node, static (_, self) => new CircuitBreaker(self._breakFor, self._time), this);
    }

    private async Task<(int Refused, RateLimitDecision Decision)> CallAsync(
        IReadOnlyList<RateLimitCheck> checks, RateLimitLease[] leases, IReadOnlyList<int> indexes)
    {
        var now = _time.GetTimestamp();
        var keys = new RedisKey[indexes.Count];
        var args = new RedisValue[5 * indexes.Count];
        var wanted = new int[indexes.Count];
        for (var j = 0; j < indexes.Count; j++)
        {
            var rule = checks[indexes[j]].Rule;
            var lease = leases[indexes[j]];
            wanted[j] = lease.Wanted(now, Lifetime(rule.Window), Cap(rule));
            keys[j] = lease.Key;
            args[5 * j] = rule.PermitLimit;
            args[5 * j + 1] = (long)rule.Window.TotalMilliseconds;
            args[5 * j + 2] = wanted[j];
            args[5 * j + 3] = 0;
            args[5 * j + 4] = 0;
        }

        Interlocked.Increment(ref _roundTrips);
        try
        {
            var call = Script.EvaluateAsync(_redis.GetDatabase(), keys, args);
            RedisResult answer;
            try
            {
                answer = await call.WaitAsync(_timeout);
            }
            catch (TimeoutException) when (call.IsCompleted)
            {
                // Answered (or failed on its own) by the time the bound's continuation ran, as on a host short of threads:
                // the answer stands.
                answer = await call;
            }
            catch (TimeoutException)
            {
                // Our bound passed with the call outstanding: Redis may still run the script and count for this request,
                // which is answered 503 now. Whatever it counts is given back when it answers.
                _ = GiveBackLateAsync(call, leases, indexes);
                throw;
            }

            var result = (RedisResult[])answer!;

            var refusedAt = (int)result[0];
            var granted = refusedAt == 0 ? indexes.Count : refusedAt - 1;
            var after = _time.GetTimestamp();
            for (var j = 0; j < granted; j++)
            {
                var stale = leases[indexes[j]].Granted(after, Lifetime(checks[indexes[j]].Rule.Window), wanted[j],
                    (int)result[2 + 2 * j], (long)result[3 + 2 * j]);
                if (stale is { } giveBack)
                {
                    _giveBacks.Enqueue(giveBack);
                }
            }

            return refusedAt == 0
                ? (-1, RateLimitDecision.Allow)
                : (indexes[refusedAt - 1], RateLimitDecision.Refuse(TimeSpan.FromMilliseconds((long)result[1])));
        }
        finally
        {
            foreach (var index in indexes)
            {
                leases[index].Answered();
            }
        }
    }

    /// <summary>
    /// The answer of a call the request stopped waiting for: every permit it granted (the asking request's one too: that
    /// request was answered 503) goes on the give-back queue, for the window Redis counted it in. The leases are left
    /// alone: the request already gave up its ask (<see cref="RateLimitLease.Answered"/>), and its permits spent from
    /// them were put back. No answer at all (the connection's own timeout): what the script may have counted counts until
    /// its window passes, a limit stricter for a moment, never looser.
    /// </summary>
    private async Task GiveBackLateAsync(Task<RedisResult> call, RateLimitLease[] leases, IReadOnlyList<int> indexes)
    {
        try
        {
            var result = (RedisResult[])(await call)!;
            var refusedAt = (int)result[0];
            var granted = refusedAt == 0 ? indexes.Count : refusedAt - 1;
            for (var j = 0; j < granted; j++)
            {
                var lease = leases[indexes[j]];
                var count = (int)result[2 + 2 * j];
                if (count > 0)
                {
                    _giveBacks.Enqueue(new RateLimitGiveBack(lease.Key, lease.WindowMs, count, (long)result[3 + 2 * j]));
                }
            }
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is ObjectDisposedException or OperationCanceledException)
        {
            // Never answered: nothing to give back that is known.
        }
    }

    private int Cap(RateLimitRule rule) =>
        Math.Max(1, Math.Min(_options.MaxPermits, (int)Math.Floor(_options.MaxShare * rule.PermitLimit)));

    /// <summary>A lease lives <see cref="RedisRateLimiterOptions.Lifetime"/>, at most a tenth of the window, in timestamp ticks.</summary>
    private long Lifetime(TimeSpan window)
    {
        var lifetime = _options.Lifetime < window / 10 ? _options.Lifetime : window / 10;
        return (long)(lifetime.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>
    /// Gives back unspent permits of expired leases (one call for all on a single Redis, one per key on a
    /// Cluster) and forgets quiet subjects. A give-back that fails is dropped: those permits then count until
    /// their window passes, so a Redis hiccup can only make the limit stricter for a moment, never looser.
    /// </summary>
    private async Task SweepAsync()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            foreach (var (key, lease) in _leases)
            {
                var (expired, retired) = lease.Sweep(now, Lifetime(TimeSpan.FromMilliseconds(lease.WindowMs)));
                if (expired is { } giveBack)
                {
                    _giveBacks.Enqueue(giveBack);
                }

                if (retired)
                {
                    _leases.TryRemove(new KeyValuePair<string, RateLimitLease>(key, lease));
                }
            }

            var batch = new List<RateLimitGiveBack>();
            List<RateLimitGiveBack>? waiting = null;
            // Their Redis failed a moment ago (its breaker refuses): those give-backs wait in the queue rather than fail and be
            // dropped; the other nodes' go now.
            var count = _giveBacks.Count;
            for (var i = 0; i < count && _giveBacks.TryDequeue(out var giveBack); i++)
            {
                if (BreakerFor(giveBack.Key).Refusing)
                {
                    (waiting ??= []).Add(giveBack);
                }
                else
                {
                    batch.Add(giveBack);
                }
            }

            foreach (var giveBack in waiting ?? [])
            {
                _giveBacks.Enqueue(giveBack);
            }

            if (batch.Count > 0)
            {
                await GiveBackAsync(batch);
            }
        }
        catch (Exception ex) when (RedisFailure.Is(ex) || ex is ObjectDisposedException or TaskCanceledException)
        {
            if (_log is not null)
            {
                LogGiveBackFailed(_log, ex.Message);
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private async Task GiveBackAsync(List<RateLimitGiveBack> batch)
    {
        var db = _redis.GetDatabase();
        var perCall = IsCluster ? 1 : 256;
        var calls = new List<Task>();
        for (var first = 0; first < batch.Count; first += perCall)
        {
            var part = batch.GetRange(first, Math.Min(perCall, batch.Count - first));
            var keys = new RedisKey[part.Count];
            var args = new RedisValue[5 * part.Count];
            for (var j = 0; j < part.Count; j++)
            {
                keys[j] = part[j].Key;
                args[5 * j] = 1;
                args[5 * j + 1] = part[j].WindowMs;
                args[5 * j + 2] = 0;
                args[5 * j + 3] = part[j].Count;
                args[5 * j + 4] = part[j].WindowIndex;
            }

            calls.Add(Script.EvaluateAsync(db, keys, args));
        }

        await Task.WhenAll(calls);
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>
    /// <c>{rl:&lt;rule&gt;:&lt;subject&gt;}</c>: the whole key is its hash tag (one key per script, any cluster slot).
    /// A subject that is long or holds braces is hashed, so a user id chosen by an external provider cannot shape keys.
    /// </summary>
    public static RedisKey Key(string rule, string subject) => Key("", rule, subject);

    /// <summary>As <see cref="Key(string, string)"/>, inside a deployment's prefix: <c>{&lt;prefix&gt;rl:&lt;rule&gt;:&lt;subject&gt;}</c>.</summary>
    public static string Key(string prefix, string rule, string subject)
    {
        if (subject.Length > 64 || subject.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            subject = "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)));
        }

        return $"{{{prefix}rl:{rule}:{subject}}}";
    }

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Rate limiter: Redis failed or did not answer within {TimeoutMs} ms; requests that need it are answered 503 at once for {BreakMs} ms at a time until it answers again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, long timeoutMs, long breakMs);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Rate limiter: Redis answers again")]
    private static partial void LogStoreRecovered(ILogger logger);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Rate limiter: giving back unspent leased permits failed ({Error}); they count until their window passes")]
    private static partial void LogGiveBackFailed(ILogger logger, string error);
}
