using System.Net;
using System.Net.Sockets;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// A server that cannot start says why in one line on stderr, <c>flashsale: …</c>, logs it as critical (event 6002)
/// and exits 1. Until 2026-12-06 the start's exception went unhandled: a .NET stack trace on stderr and exit 134
/// (SIGABRT), a crash to anyone reading it. The in-process hosts of the other tests still get the exception itself
/// (StartupConfigurationTests).
/// </summary>
public sealed class StartFailureTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "startfail-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ASecondServerOnALockedDataFolder_SaysSoInOneLine_AndExits1()
    {
        await using var first = await ServerProcess.StartAsync(_dataPath);

        var (exit, stdout, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath);

        AssertOneLine(exit, stderr, $"The data folder {_dataPath} is in use by another process");
        Assert.Contains("crit: FlashSale[6002] The server could not start: The data folder", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressAnotherProcessListensOn_SaysSoInOneLine_AndExits1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        // As the image starts it: the address from ASPNETCORE_URLS (the test's own --urls would outrank it).
        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath,
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url }, asImage: true);

        AssertOneLine(exit, stderr, $"Failed to bind to address {url}: address already in use");
    }

    [Theory]
    [InlineData("Admin__Password", "secret", "Admin:Password, when set, 8–128 characters")]
    [InlineData("Auth__SigningKey", "short", "Auth:SigningKey must be at least 32 random bytes in base64")]
    [InlineData("Live__MinInterval", "00:01:00", "The field MinInterval must be between")]
    [InlineData("Limits__MinRequestBodyGracePeriod", "00:00:01", "The field MinRequestBodyGracePeriod must be between")]
    public async Task ASettingTheServerRefuses_IsNamedInOneLine_AndExits1(string key, string value, string cause)
    {
        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath, new Dictionary<string, string> { [key] = value });

        AssertOneLine(exit, stderr, cause);
    }

    [Fact]
    public async Task AStoreThatCannotBeReached_IsNamedInOneLine_AndExits1()
    {
        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath, new Dictionary<string, string>
        {
            ["Storage__Mode"] = "Distributed",
            ["ConnectionStrings__Redis"] = "127.0.0.1:1",
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none",
        });

        // The inner exception's message adds the cause: "Failed to connect to 127.0.0.1:1: Connection refused".
        AssertOneLine(exit, stderr, "Failed to connect to 127.0.0.1:1: Connection refused");
    }

    private static void AssertOneLine(int exit, string stderr, string cause)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exit == 1 && lines.Length == 1, $"exit {exit}, stderr:\n{stderr}");
        Assert.StartsWith("flashsale: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(cause, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
