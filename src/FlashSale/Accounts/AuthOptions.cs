using System.ComponentModel.DataAnnotations;

namespace FlashSale.Accounts;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required]
    public string Issuer { get; set; } = "flashsale";

    [Required]
    public string Audience { get; set; } = "flashsale-api";

    /// <summary>Lifetime of the tokens this server issues.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a sign-in cookie lasts at most from its sign-in, however often it is used: it slides by 8 hours with
    /// use, and without this bound a copied cookie used every few hours would never end.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan CookieMaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a device cookie (<see cref="DeviceCookies"/>) lets a device that signed in to an account be counted
    /// apart from the account's sign-ins: renewed by each sign-in that succeeds on it. At most 400 days, what browsers
    /// keep a cookie for.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "400.00:00:00")]
    public TimeSpan DeviceCookieLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>An external OpenID Connect provider whose tokens are accepted too (optional).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience the external provider's tokens must carry; required with <see cref="Authority"/>.</summary>
    public string? ExternalAudience { get; set; }

    /// <summary>
    /// The role that makes an external provider's user an admin here: a <c>role</c> or <c>roles</c> claim of its token
    /// holding exactly this value. Unset (the default), the provider's tokens are buyers whatever roles they carry.
    /// </summary>
    public string? ExternalAdminRole { get; set; }

    public SyntheticBuyersOptions SyntheticBuyers { get; set; } = new();
}

/// <summary>Admin-only minting of buyer tokens for load tests. Off unless enabled.</summary>
public sealed class SyntheticBuyersOptions
{
    public bool Enabled { get; set; }

    [Range(1, 100_000)]
    public int MaxPerRequest { get; set; } = 10_000;
}

public sealed class AdminOptions
{
    public const string Section = "Admin";

    [Required]
    public string Username { get; set; } = "admin";

    /// <summary>When empty and no admin exists yet, a password is generated and printed once.</summary>
    public string? Password { get; set; }
}
