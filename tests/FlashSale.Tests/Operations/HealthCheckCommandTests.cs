using FlashSale.Operations;

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

    [Fact]
    public async Task NothingListening_Exits1()
    {
        using var output = new StringWriter();

        var exit = await CommandLine.TryHealthCheckAsync(["healthcheck", "http://127.0.0.1:1/health/ready"], output);

        Assert.Equal(1, exit);
        Assert.StartsWith("http://127.0.0.1:1/health/ready: ", output.ToString(), StringComparison.Ordinal);
    }
}
