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

    /// <summary>
    /// The client never sent the command: no connection to the node was up when it was issued (the connection fails fast,
    /// <c>BacklogPolicy.FailFast</c>, with "No connection is available to service this operation", and the command still
    /// waiting to be written). Redis never saw it, so a purchase script bought nothing. A command written before its
    /// connection failed carries <see cref="CommandStatus.Sent"/> (or comes as the socket's raw error,
    /// <see cref="IsBrokenConnection"/>): its outcome stays unknown.
    /// </summary>
    public static bool IsNeverSent(Exception ex) =>
        ex is RedisConnectionException { CommandStatus: CommandStatus.WaitingToBeSent };

    /// <summary>
    /// Redis refused the command before running it: a cluster slot in migration (TRYAGAIN: a multi-key command with a
    /// key missing, for the whole migration; ASK, MOVED), keys in different slots (CROSSSLOT), a script not loaded
    /// (NOSCRIPT), the server loading its data, a replica without its master, a replica asked to write (READONLY: a
    /// failover under way), the cluster down, a script busy. Whatever the command was (a purchase script), it did
    /// nothing. An error raised while a script ran (Redis appends "script: …" to it) is not one: the script may have
    /// written before it.
    /// </summary>
    public static bool IsRefusedBeforeRunning(Exception ex) =>
        ex is RedisServerException server
        && NotRunPrefixes.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal))
        && !server.Message.Contains("script:", StringComparison.Ordinal);

    /// <summary>
    /// Of those, the refusals that pass by themselves in a moment (a migration's TRYAGAIN, a failover, a load): worth a
    /// short retry before answering 503.
    /// </summary>
    public static bool IsRefusedForAMoment(Exception ex) =>
        IsRefusedBeforeRunning(ex) && ((RedisServerException)ex).Message is var message
        && RetryablePrefixes.Any(prefix => message.StartsWith(prefix, StringComparison.Ordinal));

    private static readonly string[] NotRunPrefixes =
        ["TRYAGAIN", "ASK ", "MOVED ", "CROSSSLOT", "NOSCRIPT", "LOADING", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "BUSY "];

    private static readonly string[] RetryablePrefixes = ["TRYAGAIN", "ASK ", "MOVED ", "LOADING", "MASTERDOWN", "READONLY", "CLUSTERDOWN"];
}
