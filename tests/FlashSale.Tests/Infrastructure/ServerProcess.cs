using System.Diagnostics;
using System.Net;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The real server as a child process (the built FlashSale.dll), for tests that kill it: an
/// in-process host cannot be SIGKILLed without killing the test run. Also compiled into the drill's tests (linked in
/// their project file), which run the drill against it as a process: it depends on nothing else of this project.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The admin password every server process starts with (<c>TestApp</c>'s too).</summary>
    public const string AdminPassword = "admin-test-password-1";

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="dataPath">The data folder (Storage:DataPath).</param>
    /// <param name="environment">More settings, as environment variables.</param>
    /// <param name="asImage">
    /// Started as deploy/Dockerfile starts it: from the server's own folder (its appsettings.json, the content root's)
    /// with the address in <c>ASPNETCORE_URLS</c>, instead of from the test's folder with <c>--urls</c>, which
    /// outranks every other source.
    /// </param>
    public static async Task<ServerProcess> StartAsync(string dataPath, IDictionary<string, string>? environment = null, bool asImage = false)
    {
        var process = OwnProcesses.Track(Process.Start(StartInfo(dataPath, environment, asImage))!);
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilLiveAsync();
        }
        catch
        {
            // Never leave a half-started server behind: nobody holds a reference to dispose it.
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Runs the server as <see cref="StartAsync"/> starts it, for a start that must fail: waits for it to exit (at most
    /// <paramref name="timeout"/>, then kills it) and returns its exit code and what it wrote to stdout and to stderr.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunUntilExitAsync(string dataPath,
        IDictionary<string, string>? environment = null, bool asImage = false, TimeSpan? timeout = null,
        string[]? extraArguments = null)
    {
        var info = StartInfo(dataPath, environment, asImage);
        foreach (var argument in extraArguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"The server did not exit:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static ProcessStartInfo StartInfo(string dataPath, IDictionary<string, string>? environment, bool asImage)
    {
        // Port 0 and read back the address the server reports: a port chosen here could be taken
        // by another test's server before this one binds it, and a health check would then ask the wrong server.
        const string anyPort = "http://127.0.0.1:0";
        var dll = ServerDll();
        var info = asImage ? new ProcessStartInfo("dotnet", [dll]) : new ProcessStartInfo("dotnet", [dll, "--urls", anyPort]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        if (asImage)
        {
            info.WorkingDirectory = Path.GetDirectoryName(dll)!;
            info.Environment["ASPNETCORE_URLS"] = anyPort;
        }

        info.Environment["Storage__DataPath"] = dataPath;
        info.Environment["Storage__SeedDemoData"] = "false";
        info.Environment["Admin__Password"] = AdminPassword;
        info.Environment["Auth__SyntheticBuyers__Enabled"] = "true";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The server's resident memory (VmRSS) now.</summary>
    public long ResidentMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush — what a power cut or the OOM killer does.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: what an orchestrator sends before it stops a container. Waits for the exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilLiveAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != _listening.Task)
        {
            throw new InvalidOperationException($"The server did not start listening:\n{Output}");
        }

        BaseAddress = await _listening.Task;
        using var client = CreateClient();
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/health/live");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not come up:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string marker = "Now listening on: ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            _listening.TrySetResult(new Uri(line[(at + marker.Length)..].Trim()));
        }
    }

    /// <summary>The server built in the same configuration as this test assembly.</summary>
    public static string ServerDll() => BuiltDll(Path.Combine("src", "FlashSale"), "FlashSale.dll");

    /// <summary>A project's build output in the configuration this test assembly was built in (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string BuiltDll(string project, string file)
    {
        var testDir = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = testDir.Parent!.Name; // bin/<Configuration>/net10.0
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "FlashSale.slnx")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, project, "bin", configuration, "net10.0", file);
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build it first.", dll);
    }
}
