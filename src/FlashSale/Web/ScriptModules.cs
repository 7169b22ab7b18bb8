using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.FileProviders;
using static FlashSale.Web.Html;

namespace FlashSale.Web;

/// <summary>
/// The pages' script (<c>wwwroot/js</c>, native ES modules importing each other by relative names) served under a path
/// named by its content, <c>/js/{version}/app.js</c>, and kept by browsers for good (<c>immutable</c>). The modules'
/// relative imports resolve under the same path, so every page gets one release's modules, all of them, and a browser
/// that has them asks for none again: a crowd reloading a sale's page before its start costs no script requests. Served
/// under their plain names too (<c>/js/app.js</c>, revalidated each time, as the stylesheet is).
/// <para>
/// The version is the hash of every module's name and bytes: instances of one release agree on it, a release that changes
/// any module gets a new one. A page of one release asking an instance of another (a rolling deploy) gets a 404 for its
/// version there, never the other's modules under its name (which the browser would then keep): the page works on
/// without its script, as it does without JavaScript. Every page preloads the modules (<c>modulepreload</c>), so a first
/// visit fetches them at once rather than one level of imports after another.
/// </para>
/// </summary>
public sealed class ScriptModules
{
    private const string Entry = "app.js";

    public ScriptModules(IWebHostEnvironment environment)
    {
        var folder = environment.WebRootPath is { } root ? Path.Combine(root, "js") : null;
        var names = folder is not null && Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.js").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        if (!names.Contains(Entry))
        {
            // No script to serve (a host without the web root): the pages work without it.
            Version = "none";
            Head = Html.Empty;
            return;
        }

        Version = VersionOf(names.Select(n => (n, File.ReadAllBytes(Path.Combine(folder!, n)))));
        Files = new PhysicalFileProvider(folder!);
        var path = "/js/" + Version + "/";
        var preloads = names.Where(n => n != Entry).Select(n => H($"""<link rel="modulepreload" href="{path}{n}">"""));
        Head = Join(preloads.Append(H($"""<script type="module" src="{path}{Entry}"></script>""")));
    }

    /// <summary>The hash of the modules' names and bytes, 16 hex digits.</summary>
    public string Version { get; }

    /// <summary>What a page's head holds for the script: the preloads and the entry module.</summary>
    public Html Head { get; }

    /// <summary>The modules' folder, or null when there is none.</summary>
    public IFileProvider? Files { get; }

    internal static string VersionOf(IEnumerable<(string Name, byte[] Bytes)> modules)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, bytes) in modules)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name + "\n" + bytes.Length + "\n"));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>Serves the modules under <c>/js/{version}/</c>, kept for good; any other version is not found here.</summary>
    public static IApplicationBuilder UseVersionedScript(IApplicationBuilder app)
    {
        var scripts = app.ApplicationServices.GetRequiredService<ScriptModules>();
        return scripts.Files is null
            ? app
            : app.UseStaticFiles(new StaticFileOptions
            {
                RequestPath = "/js/" + scripts.Version,
                FileProvider = scripts.Files,
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
            });
    }
}
