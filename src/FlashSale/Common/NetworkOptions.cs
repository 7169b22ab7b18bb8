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
}
