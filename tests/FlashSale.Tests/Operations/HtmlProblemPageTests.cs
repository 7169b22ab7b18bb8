using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// A browser that lands on an error outside the API gets a page in the site's frame, with the status kept; the API,
/// and any client that prefers JSON, keeps problem+json.
/// </summary>
public sealed class HtmlProblemPageTests : IAsyncLifetime
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private readonly TestApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ABrowserOnAnUnknownPage_GetsAPage_WithThe404()
    {
        using var response = await GetAsync("/no-such-page", BrowserAccept);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1 id=\"problem-title\">Page not found</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">Back to the sales</a>", html, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task ABrowserOnAnUnknownSale_GetsAPageThatSaysSo()
    {
        using var response = await GetAsync($"/sales/{Guid.NewGuid():D}", BrowserAccept);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1 id=\"problem-title\">No sale has this id.</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/no-such-endpoint", BrowserAccept)]
    [InlineData("/no-such-page", "application/json")]
    [InlineData("/no-such-page", "application/json, text/html;q=0.5")]
    [InlineData("/no-such-page", null)]
    public async Task TheApi_AndClientsThatPreferJson_KeepProblemJson(string path, string? accept)
    {
        using var response = await GetAsync(path, accept);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await _app.CreateClient().SendAsync(request);
    }
}
