using System.Reflection;

namespace FlashSale.Operations;

/// <summary>
/// The executable's own commands: <c>--help</c>, <c>--version</c>, <c>migrate</c>, <c>healthcheck</c>; <c>serve</c> (or
/// no command) runs the server, and an unknown word stops the start (<see cref="EnsureUnderstood"/>).
/// </summary>
public static class CommandLine
{
    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Handles an informational command and returns true, or returns false to go on and serve.</summary>
    public static bool TryHandleInformational(string[] args, TextWriter output)
    {
        if (args.Contains("--version"))
        {
            output.WriteLine($"FlashSale {Version}");
            return true;
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            output.WriteLine($"""
                FlashSale {Version} — flash sales that never oversell.

                Usage:
                  FlashSale [serve] [--Key=Value ...]   run the server (default)
                  FlashSale migrate [--Key=Value ...]   apply the store's schema migrations and exit
                  FlashSale healthcheck [URL]           exit 0 when URL (default http://localhost:8080/health/ready)
                                                        answers 200: for container health checks without curl
                  FlashSale --version                   print the version
                  FlashSale --help                      this text

                Every setting is configuration: appsettings.json, environment variables with '__' for ':'
                (Storage__DataPath=/var/lib/flashsale), or --Section:Key=value arguments. See docs/operations.md.
                Common: --urls http://0.0.0.0:5000  --Storage:Mode=Embedded|Distributed  --Admin:Password=...
                """);
            return true;
        }

        return false;
    }

    /// <summary>Runs <c>healthcheck [url]</c>; null when the arguments are not that command.</summary>
    public static async Task<int?> TryHealthCheckAsync(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] != "healthcheck")
        {
            return null;
        }

        if (args.Length > 2)
        {
            // As for the server's own command line: a word it cannot mean stops it, rather than be ignored.
            output.WriteLine($"healthcheck takes one URL at most; unexpected '{args[2]}'. Usage: FlashSale healthcheck [URL]");
            return 1;
        }

        var url = args.Length > 1 ? args[1] : "http://localhost:8080/health/ready";
        // A path alone (/health/ready is a file: URI on Unix) or another scheme: until 2026-12-06 the HttpClient's
        // NotSupportedException ended the command with a stack trace and 134 instead of 1 and a line.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            output.WriteLine($"{url}: not an absolute http(s) URL, e.g. http://localhost:8080/health/ready");
            return 1;
        }

        // Redirects not followed: a health address that sends its caller elsewhere (a sign-in page's 200) is not healthy.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(uri);
            output.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.StatusCode == System.Net.HttpStatusCode.OK ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            output.WriteLine($"{url}: {ex.Message}");
            return 1;
        }
    }

    public static bool IsMigrate(string[] args) => args.Length > 0 && args[0] == "migrate";

    private static readonly string[] Commands = ["serve", "migrate", "healthcheck"];

    /// <summary>
    /// Refuses a word the command line cannot mean: a command misspelt (<c>migarte</c>) or after the settings
    /// (<c>--contentRoot /app migrate</c>). Until 2026-12-06 both were ignored and the server served: a migration job
    /// never ended, and listened on the default address instead. Settings stay as the host reads them: <c>--Key=value</c>,
    /// <c>--Key value</c>, <c>/Key value</c>, <c>Key=value</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Names the word and what was expected.</exception>
    public static void EnsureUnderstood(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var word = args[i];
            if (word.StartsWith('-') || word.StartsWith('/'))
            {
                i += word.Contains('=', StringComparison.Ordinal) ? 0 : 1; // its value follows
                continue;
            }

            if (word.Contains('=', StringComparison.Ordinal) || (i == 0 && Commands.Contains(word)))
            {
                continue;
            }

            throw new InvalidOperationException(
                Commands.Contains(word) ? $"The command '{word}' must come first: FlashSale {word} [--Key=Value ...]."
                : i == 0 ? $"Unknown command '{word}': the commands are serve (the default), migrate and healthcheck (--help)."
                : $"Unexpected argument '{word}': settings are --Section:Key=value (--help).");
        }
    }

    /// <summary>The arguments the host should see: the command word removed.</summary>
    public static string[] HostArguments(string[] args) =>
        args.Length > 0 && args[0] is "migrate" or "serve" ? args[1..] : args;
}
