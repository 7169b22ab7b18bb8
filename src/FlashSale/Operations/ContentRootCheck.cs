namespace FlashSale.Operations;

/// <summary>
/// appsettings.json and wwwroot are read from the content root: the working directory, unless <c>--contentRoot</c>
/// names another (the project folder under <c>dotnet run</c>, /app in the image). Started from elsewhere
/// (<c>dotnet /opt/flashsale/FlashSale.dll</c> from /), the server ran on built-in defaults without a word: every
/// request logged with an Activity of its own, pages without their stylesheet and script.
/// </summary>
public static partial class ContentRootCheck
{
    /// <summary>
    /// The host's builder, or a start refused naming the content root when that folder does not exist. The host's own
    /// error is a DirectoryNotFoundException whose message is the path alone: until 2026-12-06 a relative
    /// <c>--contentRoot src/FlashSale</c> (taken from the app's folder) stopped the start with
    /// "flashsale: /…/bin/Release/net10.0/src/FlashSale/" and nothing said what was wrong with it.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        try
        {
            return WebApplication.CreateBuilder(args);
        }
        catch (DirectoryNotFoundException missing)
        {
            throw new InvalidOperationException(
                $"The content root {missing.Message} does not exist. Pass --contentRoot the server's folder (the one with " +
                "appsettings.json and wwwroot) as an absolute path: a relative one is taken from the app's folder.", missing);
        }
    }

    public static void WarnIfMisplaced(IWebHostEnvironment environment, ILogger logger)
    {
        var missing = new[] { "appsettings.json", "wwwroot" }
            .Where(name => !Path.Exists(Path.Combine(environment.ContentRootPath, name)))
            .ToList();
        if (missing.Count > 0)
        {
            LogMisplaced(logger, environment.ContentRootPath, string.Join(" and no ", missing));
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "The content root {ContentRoot} has no {Missing}: built-in defaults apply. Start the server from its folder, or pass --contentRoot <its folder>")]
    private static partial void LogMisplaced(ILogger logger, string contentRoot, string missing);
}
