using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Storage;

/// <summary>
/// G1: one embedded server per data folder. Each loads its own ledger with every sale's whole stock, so a second
/// server on a folder another one serves (a deploy that starts the new server before the old one has exited) would
/// sell the stock a second time. It stops at start instead, naming the folder, and never listens; once the first is
/// gone, kill -9 included, a server starts there.
/// </summary>
public sealed class DataFolderLockTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "lock-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ASecondServerOnTheSameDataFolder_StopsAtStart_AndOneStartsOnceTheFirstIsKilled()
    {
        await using var first = await ServerProcess.StartAsync(_dataPath);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(_dataPath));

        Assert.Contains($"The data folder {_dataPath} is in use by another process", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", refused.Message, StringComparison.Ordinal);
        await AssertReadyAsync(first);

        first.KillHard();
        await using var next = await ServerProcess.StartAsync(_dataPath);
        await AssertReadyAsync(next);
    }

    private static async Task AssertReadyAsync(ServerProcess server)
    {
        using var client = server.CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
