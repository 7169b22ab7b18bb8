using System.ComponentModel.DataAnnotations;

namespace FlashSale.RateLimiting;

/// <summary>
/// <c>RateLimiting</c> in configuration. Rules are keyed by name so one can be changed or switched
/// off from the environment (<c>RateLimiting__Rules__per-ip__PermitLimit=10</c>). docs/security.md
/// explains the defaults and how to express other systems' rules.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Paths (prefix match) no rule counts: probes must see the server, not the limiter.</summary>
    public string[] ExemptPaths { get; set; } = ["/health"];

    /// <remarks>Names compared ignoring case, as configuration keys are: <c>Per-IP</c> is <c>per-ip</c>.</remarks>
    public Dictionary<string, RateLimitRuleOptions> Rules { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public enum RateLimitScope
{
    /// <summary>Counted per authenticated user (<c>sub</c>); requests without a user are not counted.</summary>
    User,
    /// <summary>Counted per client address (IPv6 per /64), after trusted proxies are unwrapped.</summary>
    Ip,
    /// <summary>
    /// Failed sign-ins counted per username (as usernames compare: case-insensitive), whichever address they come from:
    /// each attempt before its password is checked, a successful one given back; over the limit, every sign-in of that username is refused, the right password too (<c>SignInThrottle</c>).
    /// A sign-in carrying a valid device cookie for the username is counted per that device instead, by the same numbers (<c>DeviceCookies</c>).
    /// Not counted by the middleware; <c>Endpoints</c> is ignored.
    /// </summary>
    Account,
}

public sealed class RateLimitRuleOptions
{
    public bool Enabled { get; set; } = true;

    public RateLimitScope Scope { get; set; } = RateLimitScope.Ip;

    /// <summary>Endpoint names (<c>WithName</c>) the rule counts; empty: every request.</summary>
    public string[] Endpoints { get; set; } = [];

    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
