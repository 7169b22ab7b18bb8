using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The web pages as a browser uses them: cookies kept, redirects not followed (the tests read where they go), and a
/// form posted with the antiforgery token of the page it came from.
/// </summary>
public sealed partial class Browser(HttpClient http)
{
    public const string HtmlAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    public HttpClient Http { get; } = http;

    /// <summary>A browser on the app: its in-memory server, or its socket (the app's client base address) when it has one.</summary>
    public static Browser Open(TestApp app) => app.RealSocket
        // The factory's client on a socket follows redirects whatever its options say (its inner handler's default).
        ? new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = app.CreateClient().BaseAddress,
        })
        : new(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress }));

    /// <summary>A browser on the app signed in as its admin.</summary>
    public static async Task<Browser> AdminAsync(TestApp app)
    {
        var browser = Open(app);
        await browser.SignInAsync("admin", TestApp.AdminPassword);
        return browser;
    }

    /// <summary>Signs in through the sign-in form; the cookie stays with this browser.</summary>
    public async Task SignInAsync(string username, string password)
    {
        using var response = await SubmitAsync("/login", "/login", new() { ["username"] = username, ["password"] = password, ["returnUrl"] = "" });
        await Api.EnsureAsync(response, HttpStatusCode.Redirect);
    }

    /// <summary>The antiforgery token of a page's forms, as the page carries it.</summary>
    public async Task<string> TokenAsync(string page)
    {
        var token = AntiforgeryField().Match(await Http.GetStringAsync(page)).Groups[1].Value;
        Assert.NotEmpty(token);
        return WebUtility.HtmlDecode(token);
    }

    /// <summary>Opens <paramref name="page"/> and posts its form to <paramref name="action"/> with the page's token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, string action, Dictionary<string, string> fields) =>
        await PostFormAsync(action, new Dictionary<string, string>(fields) { ["__af"] = await TokenAsync(page) });

    /// <summary>As <see cref="SubmitAsync"/>, the fields in order as given: a name may come twice.</summary>
    public async Task<HttpResponseMessage> SubmitFieldsAsync(string page, string action, IEnumerable<KeyValuePair<string, string>> fields) =>
        await PostFieldsAsync(action, fields.Append(KeyValuePair.Create("__af", await TokenAsync(page))));

    /// <summary>A form post as it is: no token unless <paramref name="fields"/> has one.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string action, Dictionary<string, string> fields, string? accept = HtmlAccept) =>
        PostFieldsAsync(action, fields, accept);

    /// <summary>As <see cref="PostFormAsync"/>, the fields in order as given: a name may come twice.</summary>
    public async Task<HttpResponseMessage> PostFieldsAsync(string action, IEnumerable<KeyValuePair<string, string>> fields, string? accept = HtmlAccept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>A form post of <paramref name="body"/>'s bytes as they are (they need not be UTF-8), with the page's token.</summary>
    public async Task<HttpResponseMessage> SubmitRawAsync(string page, string action, byte[] body)
    {
        var content = new ByteArrayContent([.. body, .. System.Text.Encoding.ASCII.GetBytes($"&__af={Uri.EscapeDataString(await TokenAsync(page))}")]);
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = content };
        request.Headers.Accept.ParseAdd(HtmlAccept);
        return await Http.SendAsync(request);
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
