using FlashSale.Operations;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// <c>FlashSale healthcheck [URL]</c> (the image's health check) exits 0 or 1 with one line, whatever URL it is given.
/// Until 2026-12-06 a path alone (<c>healthcheck /health/ready</c>, a file: URI on Unix) or another scheme ended it with
/// the HttpClient's NotSupportedException: a stack trace and exit 134.
/// </summary>
public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData("/health/ready")]
    [InlineData("ftp://localhost/health/ready")]
    [InlineData("not a url")]
    public async Task AUrlThatIsNotHttp_Exits1_WithOneLineSayingWhatItNeeds(string url)
    {
        using var output = new StringWriter();

        var exit = await CommandLine.TryHealthCheckAsync(["healthcheck", url], output);

        Assert.Equal(1, exit);
        Assert.Equal($"{url}: not an absolute http(s) URL, e.g. http://localhost:8080/health/ready", output.ToString().TrimEnd());
    }

    /// <summary>A word after the URL is refused, not ignored (until 2026-12-07 <c>healthcheck URL extra</c> checked URL).</summary>
    [Fact]
    public async Task AWordAfterTheUrl_Exits1_NamingIt()
    {
        using var output = new StringWriter();

        var exit = await CommandLine.TryHealthCheckAsync(["healthcheck", "http://127.0.0.1:1/health/ready", "extra"], output);

        Assert.Equal(1, exit);
        Assert.Equal("healthcheck takes one URL at most; unexpected 'extra'. Usage: FlashSale healthcheck [URL]", output.ToString().TrimEnd());
    }

    [Fact]
    public async Task NothingListening_Exits1()
    {
        using var output = new StringWriter();

        var exit = await CommandLine.TryHealthCheckAsync(["healthcheck", "http://127.0.0.1:1/health/ready"], output);

        Assert.Equal(1, exit);
        Assert.StartsWith("http://127.0.0.1:1/health/ready: ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReadyServer_Exits0_AndAnAddressThatRedirects_Exits1()
    {
        await using var app = new TestApp(realSocket: true);
        var server = app.CreateClient().BaseAddress!;
        using var ready = new StringWriter();
        using var redirected = new StringWriter();

        var readyExit = await CommandLine.TryHealthCheckAsync(["healthcheck", new Uri(server, "/health/ready").ToString()], ready);
        // The dashboard sends a caller without a session to the sign-in page, which answers 200: followed, that passed.
        var redirectedExit = await CommandLine.TryHealthCheckAsync(["healthcheck", new Uri(server, "/admin").ToString()], redirected);

        Assert.Equal(0, readyExit);
        Assert.EndsWith(": 200", ready.ToString().TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(1, redirectedExit);
        Assert.EndsWith(": 302", redirected.ToString().TrimEnd(), StringComparison.Ordinal);
    }
}
