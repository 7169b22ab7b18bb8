using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// Started with a content root that holds neither appsettings.json nor wwwroot (from another folder, without
/// --contentRoot), the server runs on built-in defaults; it says so at start instead of silently (event 6001).
/// </summary>
public sealed class ContentRootTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "root-" + Guid.NewGuid().ToString("N"));

    private string ContentRoot => Path.Combine(_dataPath, "elsewhere");

    [Fact]
    public async Task AContentRootWithoutTheServersFiles_IsReportedAtStart()
    {
        Directory.CreateDirectory(ContentRoot);
        await using var server = await ServerProcess.StartAsync(Path.Combine(_dataPath, "data"),
            new Dictionary<string, string> { ["ASPNETCORE_CONTENTROOT"] = ContentRoot });

        Assert.Contains($"The content root {ContentRoot} has no appsettings.json and no wwwroot", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProjectFolder_IsNotReported()
    {
        var project = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(ServerProcess.ServerDll()))))!;
        await using var server = await ServerProcess.StartAsync(Path.Combine(_dataPath, "data"),
            new Dictionary<string, string> { ["ASPNETCORE_CONTENTROOT"] = project });

        Assert.True(File.Exists(Path.Combine(project, "appsettings.json")), project);
        Assert.DoesNotContain("The content root", server.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
