#pragma warning disable IDE0130 // The namespace is the point: a stack frame named like StackExchange.Redis's own.
namespace StackExchange.Redis.Simulated;

/// <summary>
/// Throws as the client's read loop (<c>PhysicalConnection.ReadFromPipe</c>) does when Redis resets the connection: the
/// socket's error unwrapped, which the loop hands to every command awaiting a reply (<c>RedisFailureTests</c>).
/// </summary>
internal static class ResetReader
{
    public static void Read() => throw new Pipelines.Sockets.Unofficial.ConnectionResetException("Connection reset by peer",
        new System.Net.Sockets.SocketException(104));
}
