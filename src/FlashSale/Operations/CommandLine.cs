using System.Reflection;

namespace FlashSale.Operations;

/// <summary>The executable's own commands: <c>--help</c>, <c>--version</c>, <c>migrate</c>; anything else runs the server.</summary>
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

        var url = args.Length > 1 ? args[1] : "http://localhost:8080/health/ready";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            output.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            output.WriteLine($"{url}: {ex.Message}");
            return 1;
        }
    }

    public static bool IsMigrate(string[] args) => args.Length > 0 && args[0] == "migrate";

    /// <summary>The arguments the host should see: the command word removed.</summary>
    public static string[] HostArguments(string[] args) =>
        args.Length > 0 && args[0] is "migrate" or "serve" ? args[1..] : args;
}
