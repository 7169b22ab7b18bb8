using FlashSale.Tests.Infrastructure;

namespace FlashSale.Drill.Tests;

/// <summary>
/// The real FlashSale server (the built FlashSale.dll, embedded storage in a fresh temp folder, its own appsettings.json)
/// as a child process on a free loopback port (<see cref="ServerProcess"/>), for tests that run the drill as a process.
/// Rate limiting is off: every buyer comes from one address.
/// </summary>
public sealed class EmbeddedServer : IAsyncLifetime
{
    public const string AdminPassword = ServerProcess.AdminPassword;

    private readonly string _dataPath = Directory.CreateTempSubdirectory("drill-server-").FullName;
    private ServerProcess? _server;

    public Uri BaseAddress => _server!.BaseAddress;

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string> { ["RateLimiting__Enabled"] = "false" }, asImage: true);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_dataPath, recursive: true);
    }
}
