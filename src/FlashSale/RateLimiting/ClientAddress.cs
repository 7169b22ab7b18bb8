using System.Net;
using System.Net.Sockets;

namespace FlashSale.RateLimiting;

public static class ClientAddress
{
    /// <summary>
    /// The subject of a per-IP rule: the address Kestrel saw, or the one a trusted proxy forwarded
    /// (ForwardedHeaders has already replaced it). An IPv6 client owns a whole /64, so it counts as one.
    /// </summary>
    public static string? Subject(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? Subject(address) : null;

    /// <summary>What <see cref="Subject(HttpContext)"/> counts by, for an address before any request (a connection).</summary>
    public static string Subject(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }
}
