using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The image (deploy/Dockerfile, and the instances of deploy/compose.yaml) starts the server from its own folder,
/// where appsettings.json is, and gives it its address in <c>ASPNETCORE_URLS</c>. Until 2026-12-05 appsettings.json
/// named <c>urls</c> itself, and a setting there outranks <c>ASPNETCORE_URLS</c>: in a container the server listened
/// on localhost:5000, where neither the published port, nginx nor the image's own health check could reach it.
/// </summary>
public sealed class ListenAddressTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "listen-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task StartedAsTheImageStartsIt_TheServerListensWhereAspNetCoreUrlsSays()
    {
        await using var server = await ServerProcess.StartAsync(_dataPath, asImage: true);

        // StartAsync has already seen /health/live answer 200 at the address the server reported.
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.NotEqual(5000, server.BaseAddress.Port);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
