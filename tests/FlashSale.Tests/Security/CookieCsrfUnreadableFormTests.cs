using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// The CSRF check on cookie-authenticated API calls looks for an antiforgery token in the form, and reading that form
/// can fail. A form that cannot be read carries no token: the check's own 403, never a 500. A body past the size limit
/// is the request's fault, not a CSRF verdict: the 413 any endpoint gives it. Real HTTP, so Kestrel enforces the limit.
/// </summary>
public sealed class CookieCsrfUnreadableFormTests() : AdminAppTest(new TestApp(realSocket: true))
{
    private const string AnyCookie = "flashsale.auth=x";

    [Fact]
    public async Task MultipartWithoutABoundary_IsRefusedByTheCsrfCheck()
    {
        using var content = new StringContent("--x\r\nanything\r\n--x--\r\n", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");

        using var response = await PostWithCookieAsync(content);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("csrf_check_failed", await Api.ReasonAsync(response));
    }

    [Fact]
    public async Task AFormWithTooManyFields_IsRefusedByTheCsrfCheck()
    {
        // 1,100 fields: past the form reader's 1,024, well within the body limit.
        using var content = new StringContent(string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=1")),
            Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await PostWithCookieAsync(content);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("csrf_check_failed", await Api.ReasonAsync(response));
    }

    [Fact]
    public async Task AFormBodyPastTheLimit_IsTooLarge_AsForAnyEndpoint()
    {
        // Chunked, so no Content-Length lets the edge refuse it first: Kestrel stops it while the form is read.
        using var content = new StringContent("pad=" + new string('a', 70 * 1024), Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await PostWithCookieAsync(content, chunked: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", await Api.ReasonAsync(response));
    }

    /// <summary>The sign-in cookie's name, no Authorization header, no X-Requested-With: the check must read the form.</summary>
    private Task<HttpResponseMessage> PostWithCookieAsync(HttpContent content, bool chunked = false) =>
        Admin.Anonymous().SendAsync(HttpMethod.Post, "/api/v1/auth/token", content, r =>
        {
            r.Headers.Add("Cookie", AnyCookie);
            r.Headers.TransferEncodingChunked = chunked;
        });
}
