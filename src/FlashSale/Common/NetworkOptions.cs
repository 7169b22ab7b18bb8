using System.Net;
using System.Net.Sockets;

namespace FlashSale.Common;

/// <summary><c>Network</c> in configuration.</summary>
public sealed class NetworkOptions
{
    public const string Section = "Network";

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) and networks (<c>10.0.0.0/8</c>) of the reverse proxies whose
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Empty: none, not even
    /// loopback; every client is the address it connects from.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// <see cref="TrustedProxies"/> as networks (an address is a network of one), for clients compared as IPv4 when they
    /// connect IPv4-mapped: an IPv4-mapped entry is unmapped too.
    /// </summary>
    public IPNetwork[] TrustedNetworks() => [.. TrustedProxies.Select(Network)];

    /// <summary>
    /// Addresses and networks that may read <c>/metrics</c> (a Prometheus on the inside); any other client is answered
    /// 404, as if there were none. Unset: loopback and the private networks (10/8, 172.16/12, 192.168/16, fc00::/7), so
    /// a server on one machine with no proxy in front no longer shows how a sale sells, second by second, to everyone
    /// (until 2026-12-07 only <c>deploy/nginx.conf</c> hid it). The client is the one <see cref="TrustedProxies"/> name.
    /// </summary>
    public string[]? MetricsClients { get; set; }

    public static readonly string[] PrivateNetworks =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    /// <summary><see cref="MetricsClients"/> as networks, as <see cref="TrustedNetworks"/> reads its entries.</summary>
    public IPNetwork[] MetricsNetworks() => [.. (MetricsClients ?? PrivateNetworks).Select(Network)];

    private static IPNetwork Network(string entry)
    {
        if (entry.Contains('/', StringComparison.Ordinal))
        {
            var network = IPNetwork.Parse(entry);
            return network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
                ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
                : network;
        }

        var address = IPAddress.Parse(entry);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }
}
