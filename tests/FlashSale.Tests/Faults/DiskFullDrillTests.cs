using System.Diagnostics;
using System.Net;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Faults;

/// <summary>
/// The data folder on a tiny tmpfs that fills up: once writes fail, purchases get 503 (never a
/// 2xx that is not on disk), and the server recovers by itself when space returns. Needs root to
/// mount (CI runs as root); it fails, not skips, without it.
/// </summary>
public sealed class DiskFullDrillTests : IAsyncLifetime
{
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "flashsale-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Assert.True(Environment.UserName == "root", "the disk-full drill mounts a tmpfs and must run as root (as CI does)");
        Directory.CreateDirectory(_mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _mount);
    }

    public async Task DisposeAsync() => await RunAsync("umount", "-l", _mount);

    [Fact]
    public async Task FullDisk_Gives503sNotAcks_AndRecoversWhenSpaceReturns()
    {
        // Refuse purchases when less than 1 MiB is left (production default: 64 MiB).
        await using var server = await ServerProcess.StartAsync(Path.Combine(_mount, "data"),
            new Dictionary<string, string> { ["Storage__MinFreeBytes"] = "1048576", ["RateLimiting__Enabled"] = "false" });
        var admin = await Api.AsAdminAsync(server.CreateClient());
        var saleId = (await admin.CreateSaleAsync(stock: 100_000, perUserLimit: 1000))["id"]!.GetValue<string>();
        var buyers = await admin.MintBuyersAsync(50);
        var record = new AckLedger();

        // Fill the disk with purchases until the store refuses: a bounded number of attempts.
        var sawUnavailable = false;
        var ackedAfterFailure = 0;
        for (var attempt = 0; attempt < 20_000 && !sawUnavailable; attempt += 50)
        {
            await Task.WhenAll(buyers.Select(b => record.AttemptAsync(admin.WithToken(b.Token), b.UserId, saleId)));
            sawUnavailable = record.Statuses.Contains(HttpStatusCode.ServiceUnavailable);
        }

        Assert.True(sawUnavailable, "the tmpfs never filled up");
        var ackedAtFailure = record.Acknowledged.Count;
        for (var i = 0; i < 5; i++)
        {
            await Task.WhenAll(buyers.Take(10).Select(b => record.AttemptAsync(admin.WithToken(b.Token), b.UserId, saleId)));
        }

        ackedAfterFailure = record.Acknowledged.Count - ackedAtFailure;
        Assert.Equal(0, ackedAfterFailure);

        // Space returns: the next purchase succeeds without a restart.
        await RunAsync("mount", "-o", "remount,size=64m", _mount);
        var recovered = HttpStatusCode.ServiceUnavailable;
        for (var wait = 0; wait < 50 && recovered == HttpStatusCode.ServiceUnavailable; wait++)
        {
            await Task.Delay(100);
            using var attempt = await admin.WithToken(buyers[0].Token).PurchaseAsync(saleId, 1, Guid.NewGuid().ToString("N"));
            recovered = attempt.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, recovered);

        await record.AssertHeldAsync(admin, saleId, 100_000, 1000);
        Assert.Equal(record.Acknowledged.Count + 1, (await admin.AllOrdersAsync(saleId)).Count);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }
}
