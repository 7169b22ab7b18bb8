#pragma warning disable IDE0130 // The namespace is the point: a stack frame named like StackExchange.Redis's own.
namespace StackExchange.Redis.Simulated;

/// <summary>Throws as the client's write path does when its connection's writer was completed under it (<c>RedisFailureTests</c>).</summary>
internal static class BrokenWriter
{
    public static void Write() => throw new InvalidOperationException("Writing is not allowed after writer was completed.");
}
