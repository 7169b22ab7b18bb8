using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// How a Redis command fails when Redis does: StackExchange.Redis's own exceptions and timeouts, and an
/// <see cref="InvalidOperationException"/> thrown from inside the client's write path when the connection dies under
/// it ("Writing is not allowed after writer was completed", seen when Redis was killed during a flood; the pending
/// commands of that connection get it too). Left to the callers' Redis catch clauses, that one escaped them: a 500
/// for the purchase in flight, and from the persister's loop a stopped host (<c>RedisKillDrill</c>).
/// </summary>
internal static class RedisFailure
{
    public static bool Is(Exception ex) => ex is RedisException or RedisTimeoutException || IsBrokenWrite(ex);

    /// <summary>
    /// Redis out of reach, rather than refusing this command: unreachable, timing out, the write path broken, or the
    /// server in a passing state (loading its data, a replica without its master, a cluster down or resharding, a
    /// busy script). An error the command itself caused (a script error, a wrong type) is not an outage.
    /// </summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => TransientStates.Any(state => server.Message.StartsWith(state, StringComparison.Ordinal)),
        _ => IsBrokenWrite(ex),
    };

    private static readonly string[] TransientStates = ["LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY"];

    /// <summary>The client's write path failing under a dying connection: whether the command went out is unknown.</summary>
    public static bool IsBrokenWrite(Exception ex) =>
        ex is InvalidOperationException && ex.StackTrace?.Contains("at StackExchange.Redis.", StringComparison.Ordinal) == true;
}
