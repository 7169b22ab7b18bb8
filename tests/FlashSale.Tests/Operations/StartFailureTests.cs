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
    [InlineData("Admin__Password", "secret", "Admin:Password must be 8–128 characters: the sign-in refuses it")]
    // Until 2026-12-07 both were refused as not "8–128 characters": one fixed message whatever was wrong.
    [InlineData("Admin__Password", "GoodPassw0rd-long-k9\n", "Admin:Password must not contain control characters (a line break at its end")]
    [InlineData("Admin__Username", "shop owner", "Admin:Username may contain only letters, digits, '_', '-' and '.': the sign-in refuses it")]
    [InlineData("Auth__SigningKey", "short", "Auth:SigningKey must be at least 32 random bytes in base64")]
    // Until 2026-12-06 a value out of range was "The field MinInterval must be between …": the C# name, not the key.
    [InlineData("Live__MinInterval", "00:01:00",
        "Live:MinInterval must be from 00:00:00.01 to 00:00:10, not 00:01:00 (environment variable Live__MinInterval).")]
    [InlineData("Limits__MinRequestBodyGracePeriod", "00:00:01",
        "Limits:MinRequestBodyGracePeriod must be from 00:00:02 to 00:05:00, not 00:00:01 (environment variable Limits__MinRequestBodyGracePeriod).")]
    [InlineData("RateLimiting__Rules__per-ip__PermitLimit", "0",
        "RateLimiting:Rules:per-ip:PermitLimit must be from 1 to 1000000, not 0 (environment variable RateLimiting__Rules__per-ip__PermitLimit).")]
    [InlineData("ShutdownTimeout", "-00:00:05", "ShutdownTimeout must be from 00:00:00 to 01:00:00, not -00:00:05.")] // until 2026-12-06: 134 at SIGTERM
    [InlineData("ShutdownTimeout", "60.00:00:00", "ShutdownTimeout must be from 00:00:00 to 01:00:00")]
    [InlineData("Logging__Format", "jsno", "Logging:Format must be json or text (unset: text), not 'jsno'.")] // until 2026-12-06: text lines
    // Until 2026-12-07: "Failed to convert configuration value 'Embeded' at 'Storage:Mode' to type 'FlashSale.Storage.StorageMode'".
    [InlineData("Storage__Mode", "Embeded", "Storage:Mode must be one of Embedded, Distributed, not 'Embeded' (environment variable Storage__Mode).")]
    [InlineData("Limits__MaxConnectionsPerClient", "lots",
        "Limits:MaxConnectionsPerClient must be a whole number, not 'lots' (environment variable Limits__MaxConnectionsPerClient).")]
    public async Task ASettingTheServerRefuses_IsNamedInOneLine_AndExits1(string key, string value, string cause)
    {
        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath, new Dictionary<string, string> { [key] = value });

        AssertOneLine(exit, stderr, cause);
    }

    /// <summary>
    /// A data folder the server cannot create or write is named with the setting and why. Until 2026-12-06 one that
    /// was a file said only "The file '…' already exists.", and one on a file system that refuses new files (/proc here,
    /// a read-only mount in production) was said to be "in use by another process, most likely another FlashSale server".
    /// </summary>
    [Theory]
    [InlineData("file")]
    [InlineData("/proc")]
    public async Task ADataFolderThatCannotBeWritten_IsNamedInOneLine_AndExits1(string kind)
    {
        Directory.CreateDirectory(_dataPath);
        var folder = kind == "file" ? Path.Combine(_dataPath, "a-file") : kind;
        if (kind == "file")
        {
            await File.WriteAllTextAsync(folder, "");
        }

        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(folder);

        AssertOneLine(exit, stderr, $"The data folder {folder} (Storage:DataPath) cannot be used: ");
        Assert.DoesNotContain("in use by another process", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContentRootThatDoesNotExist_IsNamedInOneLine_AndExits1()
    {
        var missing = Path.Combine(_dataPath, "no-such-folder");

        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath,
            new Dictionary<string, string> { ["ASPNETCORE_CONTENTROOT"] = missing });

        // Until 2026-12-06 the line was the path alone: "flashsale: /tmp/…/no-such-folder/".
        AssertOneLine(exit, stderr, $"The content root {missing}/ does not exist. Pass --contentRoot the server's folder");
    }

    [Fact]
    public async Task AStoreThatCannotBeReached_IsNamedInOneLine_AndExits1()
    {
        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath, new Dictionary<string, string>
        {
            ["Storage__Mode"] = "Distributed",
            ["Auth__SigningKey"] = Convert.ToBase64String(new byte[48]),
            ["ConnectionStrings__Redis"] = "127.0.0.1:1",
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none",
        });

        // The inner exception's message adds the cause: "Failed to connect to 127.0.0.1:1: Connection refused"; the line
        // names the setting (until 2026-12-07 it did not).
        AssertOneLine(exit, stderr, "PostgreSQL (ConnectionStrings:Postgres): Failed to connect to 127.0.0.1:1: Connection refused");
    }

    /// <summary>
    /// Distributed in Production without <c>Auth:SigningKey</c>: each instance generated its own key into its own data
    /// folder, so a token signed by one was refused (401) by every other behind the load balancer (until 2026-12-06).
    /// </summary>
    [Fact]
    public async Task ADistributedServerWithoutASigningKey_SaysSoInOneLine_AndExits1()
    {
        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath, new Dictionary<string, string>
        {
            ["Storage__Mode"] = "Distributed",
            ["ConnectionStrings__Redis"] = "127.0.0.1:1",
            ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=none;Database=none",
        });

        AssertOneLine(exit, stderr, "Auth:SigningKey is required with Storage:Mode=Distributed");
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
