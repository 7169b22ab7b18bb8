using System.Net;
using System.Text.RegularExpressions;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The deploy files cannot run here (no Docker engine), so this keeps them honest against the code:
/// the environment variables they set are settings the server reads, the ports agree, and the
/// health paths they probe exist.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string Root = RepoRoot();

    [Fact]
    public void EveryEnvironmentVariable_IsASettingTheServerReads()
    {
        var source = string.Join('\n', Directory.EnumerateFiles(Path.Combine(Root, "src", "FlashSale"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText));
        var deploy = Read("deploy/compose.yaml") + Read("deploy/Dockerfile");
        var names = EnvName().Matches(deploy).Select(m => m.Value).Distinct().ToList();

        Assert.Contains("Storage__Mode", names);
        Assert.All(names.Where(n => !n.StartsWith("ASPNETCORE_", StringComparison.Ordinal)), name =>
        {
            var segments = name.Split("__").Where(s => !s.All(char.IsAsciiDigit)).ToArray();
            var section = segments[0];
            var key = segments[^1];
            var readAsString = source.Contains($"\"{string.Join(':', segments)}", StringComparison.Ordinal);
            var boundOption = (source.Contains($"Section = \"{section}\"", StringComparison.Ordinal) || section is "ConnectionStrings" or "Logging")
                && (source.Contains($" {key} {{ get; set; }}", StringComparison.Ordinal) || source.Contains($"\"{key}\"", StringComparison.Ordinal));
            Assert.True(readAsString || boundOption, $"{name} is set in deploy/ but nothing in src/FlashSale reads {string.Join(':', segments)}");
        });
    }

    [Fact]
    public void Ports_Agree_AcrossDockerfileComposeAndNginx()
    {
        var dockerfile = Read("deploy/Dockerfile");
        var compose = Read("deploy/compose.yaml");
        var nginx = Read("deploy/nginx.compose.conf");

        Assert.Contains("EXPOSE 8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS=http://+:8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS: http://+:8080", compose, StringComparison.Ordinal);
        foreach (var instance in new[] { "flashsale-1", "flashsale-2", "flashsale-3" })
        {
            Assert.Contains($"  {instance}:", compose, StringComparison.Ordinal);
            Assert.Contains($"server {instance}:8080", nginx, StringComparison.Ordinal);
        }

        Assert.Contains("client_max_body_size 64k", nginx, StringComparison.Ordinal);
        Assert.Contains("proxy_buffering off", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthPathsProbedByTheDeployFiles_ExistAndAnswer()
    {
        var paths = HealthPath().Matches(Read("deploy/Dockerfile") + Read("deploy/compose.yaml"))
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(paths);

        await using var app = new TestApp();
        var client = app.CreateClient();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void RedisConf_IsDurableAndNeverEvicts()
    {
        var conf = Read("deploy/redis.conf");
        Assert.Matches(new Regex(@"^appendonly yes", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex(@"^appendfsync always", RegexOptions.Multiline), conf);
        Assert.Matches(new Regex(@"^maxmemory-policy noeviction", RegexOptions.Multiline), conf);
    }

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlashSale.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    [GeneratedRegex(@"\b[A-Za-z]+(?:__[A-Za-z0-9]+)+\b")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"http://localhost:8080(/health/[a-z]+)")]
    private static partial Regex HealthPath();
}
