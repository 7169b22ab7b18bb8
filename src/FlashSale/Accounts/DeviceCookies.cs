using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser or client that has signed
/// in to an account is given a cookie that names a random device id for that username, and its later sign-ins of that
/// username are counted against the device's own allowance (<see cref="SignInThrottle"/>), not the account's: failing
/// on purpose from elsewhere no longer keeps the account's own devices out. The cookie authenticates nothing; it only
/// chooses what a sign-in is counted under, and the password is checked as always.
/// </summary>
/// <remarks>
/// <c>v1.{issued, Unix seconds}.{device id, 16 random bytes}.{HMAC-SHA256}</c>, base64url. The MAC covers the three
/// fields and the username lower-cased (as usernames compare), so a cookie holds no name yet counts for one username
/// only. Its key is derived from the token signing key (<see cref="SigningKey"/>, HKDF-SHA256 with a label of its
/// own: never the token key itself), so every instance sharing <c>Auth:SigningKey</c> accepts every other's cookies
/// and nothing is stored. A cookie that is malformed, tampered with, another username's, or older than
/// <see cref="AuthOptions.DeviceCookieLifetime"/> is no cookie.
/// </remarks>
public sealed class DeviceCookies
{
    public const string CookieName = "flashsale.device";

    private const string Version = "v1";
    private const int IdBytes = 16;

    // Issued in the future by more than this (another instance's clock): not ours.
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;

    public DeviceCookies(SigningKey signingKey, IOptions<AuthOptions> options, TimeProvider clock)
    {
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, signingKey.Key.Key, outputLength: 32, salt: [],
            info: "FlashSale device cookie v1"u8.ToArray());
        _lifetime = options.Value.DeviceCookieLifetime;
        _clock = clock;
    }

    /// <summary>
    /// The device id of the request's device cookie when it is valid for <paramref name="username"/>; otherwise null
    /// (no cookie, or one that does not count for this username: the sign-in is counted as the account's).
    /// </summary>
    public string? DeviceOf(HttpRequest request, string username) =>
        request.Cookies.TryGetValue(CookieName, out var value) && value is not null ? Verify(value, username) : null;

    /// <summary>
    /// After a sign-in of <paramref name="username"/> succeeded: the device cookie, with the device id it already had for
    /// that username (its allowance stays its own), or a new one, valid for <see cref="AuthOptions.DeviceCookieLifetime"/>
    /// from now. One cookie per browser: a sign-in of another username on it replaces it.
    /// </summary>
    public void Issue(HttpContext context, string username, string? device)
    {
        var id = device ?? Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdBytes));
        context.Response.Cookies.Append(CookieName, Create(username, id, _clock.GetUtcNow()), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            // As the sign-in cookie's SameAsRequest: Secure whenever the request is HTTPS (behind a trusted proxy too).
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = _lifetime,
            IsEssential = true,
        });
    }

    internal string Create(string username, string device, DateTimeOffset issued)
    {
        var fields = string.Join('.', Version, issued.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), device);
        return fields + "." + Base64Url.EncodeToString(Mac(fields, username));
    }

    internal string? Verify(string cookie, string username)
    {
        // v1.<up to 11 digits>.<22>.<43>: anything much longer is no cookie of ours, and is not hashed.
        if (cookie.Length > 100)
        {
            return null;
        }

        var parts = cookie.Split('.');
        if (parts.Length != 4 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedSeconds)
            || !IsId(parts[2]))
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes + 2];
        if (!Base64Url.TryDecodeFromChars(parts[3], mac, out var macLength) || macLength != HMACSHA256.HashSizeInBytes
            || !CryptographicOperations.FixedTimeEquals(mac[..macLength], Mac(cookie[..cookie.LastIndexOf('.')], username)))
        {
            return null;
        }

        var age = _clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(issuedSeconds, 253_402_300_799));
        return age < _lifetime && age > -Skew ? parts[2] : null;
    }

    private static bool IsId(string id)
    {
        Span<byte> bytes = stackalloc byte[IdBytes + 2];
        return Base64Url.TryDecodeFromChars(id, bytes, out var length) && length == IdBytes;
    }

    private byte[] Mac(string fields, string username) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(fields + "\n" + username.ToLowerInvariant()));
}
