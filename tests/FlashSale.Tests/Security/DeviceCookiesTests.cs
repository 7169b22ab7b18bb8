using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FlashSale.Accounts;
using FlashSale.Storage;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Security;

/// <summary>
/// A device cookie counts for its username, for <c>Auth:DeviceCookieLifetime</c>, under the key every instance derives
/// from the shared signing key: anything else is no cookie.
/// </summary>
public sealed class DeviceCookiesTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(64);
    private static readonly string Id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void ACookie_CountsForItsUsername_InAnyCase_OnEveryInstanceSharingTheKey()
    {
        var cookie = Cookies(Key).Create("Owner", Id, _clock.GetUtcNow());

        Assert.Equal(Id, Cookies(Key).Verify(cookie, "owner"));
        Assert.Equal(Id, Cookies(Key).Verify(cookie, "OWNER"));
        Assert.Null(Cookies(Key).Verify(cookie, "owner2"));
        Assert.Null(Cookies(RandomNumberGenerator.GetBytes(64)).Verify(cookie, "owner"));
    }

    [Fact]
    public void ACookie_EndsAfterItsLifetime_AndOneFromTheFutureIsNone()
    {
        var cookies = Cookies(Key, TimeSpan.FromDays(30));
        var now = _clock.GetUtcNow();

        Assert.NotNull(cookies.Verify(cookies.Create("owner", Id, now.AddDays(-30).AddMinutes(1)), "owner"));
        Assert.Null(cookies.Verify(cookies.Create("owner", Id, now.AddDays(-30)), "owner"));
        Assert.NotNull(cookies.Verify(cookies.Create("owner", Id, now.AddMinutes(4)), "owner"));
        Assert.Null(cookies.Verify(cookies.Create("owner", Id, now.AddMinutes(6)), "owner"));
    }

    /// <summary>Its MAC is under a key of its own: the token signing key itself signs no device cookie.</summary>
    [Fact]
    public void ACookieMacedWithTheTokenKeyItself_IsNone()
    {
        var fields = $"v1.{_clock.GetUtcNow().ToUnixTimeSeconds()}.{Base64Url.EncodeToString(new byte[16])}";
        var mac = HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(fields + "\nowner"));

        Assert.Null(Cookies(Key).Verify(fields + "." + Base64Url.EncodeToString(mac), "owner"));
    }

    private DeviceCookies Cookies(byte[] key, TimeSpan? lifetime = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Auth:SigningKey"] = Convert.ToBase64String(key) }).Build();
        var signingKey = new SigningKey(Options.Create(new StorageOptions()), configuration);
        return new DeviceCookies(signingKey, Options.Create(new AuthOptions { DeviceCookieLifetime = lifetime ?? TimeSpan.FromDays(180) }), _clock);
    }
}
