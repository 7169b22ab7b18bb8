using System.Net.Sockets;
using StackExchange.Redis;

namespace FlashSale.Storage.Redis;

/// <summary>
/// How a Redis command fails when Redis does: StackExchange.Redis's own exceptions and timeouts, and the raw exceptions
/// its connection code lets through to the commands in flight when the connection dies under it (see
/// <see cref="IsBrokenConnection"/>). Left to the callers' Redis catch clauses, each of those escaped them: a 500 for
/// the purchases in flight, and from the persister's loop a stopped host (<c>RedisKillDrill</c>).
/// </summary>
internal static class RedisFailure
{
    public static bool Is(Exception ex) => ex is RedisException or RedisTimeoutException || IsBrokenConnection(ex);

    /// <summary>
    /// Redis out of reach, rather than refusing this command: unreachable, timing out, the connection broken, or the
    /// server in a passing state (loading its data, a replica without its master, a cluster down or resharding, a
    /// busy script). An error the command itself caused (a script error, a wrong type) is not an outage.
    /// </summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => TransientStates.Any(state => server.Message.StartsWith(state, StringComparison.Ordinal)),
        _ => IsBrokenConnection(ex),
    };

    private static readonly string[] TransientStates = ["LOADING", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY"];

    /// <summary>
    /// The client's connection failing under a command, seen when Redis was killed during a flood: its write path throws
    /// an <see cref="InvalidOperationException"/> ("Writing is not allowed after writer was completed"), and its read
    /// loop (<c>PhysicalConnection.ReadFromPipe</c>) fails every command awaiting a reply with the socket's own error, an
    /// <see cref="IOException"/> (<c>ConnectionResetException</c>, "Connection reset by peer": a Redis killed with bytes
    /// unread is reset by the kernel, not closed, so it depends on load) or a <see cref="SocketException"/>, not wrapped
    /// in a <see cref="RedisConnectionException"/>. Whether the command reached Redis is unknown. Only when raised inside
    /// the client: the same types thrown by this code are bugs and stay 500s.
    /// </summary>
    public static bool IsBrokenConnection(Exception ex) =>
        ex is InvalidOperationException or IOException or SocketException
        && ex.StackTrace?.Contains("at StackExchange.Redis.", StringComparison.Ordinal) == true;
}
