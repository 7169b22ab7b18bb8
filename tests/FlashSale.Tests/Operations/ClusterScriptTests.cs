using System.Diagnostics;

namespace FlashSale.Tests.Operations;

/// <summary>
/// <c>scripts/cluster.sh start</c> as an operator meets it when an instance cannot start: it says so, with the instance's
/// log, as soon as the instance has exited. Until 2026-12-06 it polled the dead instance's health for the whole minute
/// first (a database that does not exist: "instance 5001 did not come up" 71 s after the start).
/// </summary>
public sealed class ClusterScriptTests
{
    [Fact]
    public async Task AnInstanceThatCannotStart_IsReportedAtOnce_WithItsLog()
    {
        var root = RepoRoot();
        var instances = Path.Combine(root, ".services", "instances");
        // A cluster the developer runs holds the script's fixed ports and folder: its instances would answer for these,
        // and the test's stop would end them.
        Assert.False(Directory.Exists(instances) && Directory.EnumerateFiles(instances, "instance-*.pid").Any(),
            $"A local cluster's pid files are in {instances}: stop it first (scripts/cluster.sh stop).");

        // The script builds the server first: built here, untimed, its build in the script is a quick no-op.
        var (built, buildOutput) = await RunAsync(root, "dotnet", ["build", "src/FlashSale", "-c", "Release", "-v", "quiet", "-nologo"], new(), TimeSpan.FromMinutes(5));
        Assert.True(built == 0, buildOutput);

        var clock = Stopwatch.StartNew();
        var (exit, output) = await RunAsync(root, "bash", ["scripts/cluster.sh", "start"], new()
        {
            // Nothing listens on port 1: every instance stops its start at once ("flashsale: … Connection refused").
            ["FLASHSALE_CLUSTER_REDIS"] = "127.0.0.1:1,connectTimeout=500",
            ["FLASHSALE_CLUSTER_POSTGRES"] = "Host=127.0.0.1;Port=1;Username=none;Database=none;Timeout=1",
        }, TimeSpan.FromMinutes(3));
        var took = clock.Elapsed;
        await RunAsync(root, "bash", ["scripts/cluster.sh", "stop"], new(), TimeSpan.FromMinutes(1));

        Assert.True(exit == 1, $"exit {exit}:\n{output}");
        Assert.Contains("instance 5001 did not come up", output, StringComparison.Ordinal);
        Assert.Contains("flashsale: ", output, StringComparison.Ordinal); // the instance's own line, from its log
        Assert.True(took < TimeSpan.FromSeconds(40), $"reported after {took.TotalSeconds:0} s:\n{output}");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string root, string file, string[] args,
        Dictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (process.HasExited ? process.ExitCode : -1, await stdout + await stderr);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlashSale.slnx")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }
}
