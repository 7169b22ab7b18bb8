using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;
using FlashSale.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Web;

/// <summary>
/// The pages' script under a path named by its content: every module there, kept for good, all of one release; another
/// version is not served; the plain names still are, revalidated.
/// </summary>
public sealed partial class ScriptModulesTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task APage_LoadsEveryModule_UnderItsVersion_KeptForGood()
    {
        var page = await Browser.Open(App).Http.GetStringAsync("/");
        var entry = EntryScript().Match(page);
        Assert.True(entry.Success, "no versioned entry module on the page");
        var version = entry.Groups[1].Value;
        Assert.Equal(App.Services.GetRequiredService<ScriptModules>().Version, version);

        var preloaded = Preload().Matches(page).Select(m => (Version: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.All(preloaded, p => Assert.Equal(version, p.Version));
        var onDisk = Directory.GetFiles(Path.Combine(App.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath, "js"), "*.js")
            .Select(Path.GetFileName).Where(n => n != "app.js").Order(StringComparer.Ordinal);
        Assert.Equal(onDisk, preloaded.Select(p => p.Name).Order(StringComparer.Ordinal));

        var http = Browser.Open(App).Http;
        foreach (var name in preloaded.Select(p => p.Name).Append("app.js"))
        {
            using var module = await http.GetAsync($"/js/{version}/{name}");
            Assert.Equal(HttpStatusCode.OK, module.StatusCode);
            Assert.Equal("text/javascript", module.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", module.Headers.CacheControl?.ToString());
            // Every module a module imports is one the page preloads, under the same path.
            foreach (Match import in Import().Matches(await module.Content.ReadAsStringAsync()))
            {
                Assert.Contains(import.Groups[1].Value, preloaded.Select(p => p.Name));
            }
        }
    }

    [Fact]
    public async Task AnotherVersion_IsNotFound_ThePlainNameIsRevalidated()
    {
        var http = Browser.Open(App).Http;
        using var other = await http.GetAsync("/js/0123456789abcdef/app.js");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        using var plain = await http.GetAsync("/js/app.js");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("no-cache", plain.Headers.CacheControl?.ToString());
    }

    [Fact]
    public void TheVersion_FollowsEveryModulesNameAndBytes()
    {
        (string, byte[])[] release = [("app.js", [1, 2, 3]), ("sale.js", [4, 5])];
        var version = ScriptModules.VersionOf(release);

        Assert.Matches("^[0-9a-f]{16}$", version);
        Assert.Equal(version, ScriptModules.VersionOf([("app.js", [1, 2, 3]), ("sale.js", [4, 5])]));
        Assert.NotEqual(version, ScriptModules.VersionOf([("app.js", [1, 2, 3]), ("sale.js", [4, 6])]));
        Assert.NotEqual(version, ScriptModules.VersionOf([("app.js", [1, 2, 3]), ("sales.js", [4, 5])]));
        // Bytes moved from one module to the next are another release.
        Assert.NotEqual(version, ScriptModules.VersionOf([("app.js", [1, 2]), ("sale.js", [3, 4, 5])]));
    }

    [GeneratedRegex("""<script type="module" src="/js/([0-9a-f]{16})/app\.js"></script>""")]
    private static partial Regex EntryScript();

    [GeneratedRegex("""<link rel="modulepreload" href="/js/([0-9a-f]{16})/([a-z-]+\.js)">""")]
    private static partial Regex Preload();

    [GeneratedRegex("""from "\./([a-z-]+\.js)";""")]
    private static partial Regex Import();
}
