using System.Diagnostics;
using System.Globalization;
using System.Text;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Drill.Tests;

/// <summary>
/// The drill as the operator runs it: its own process (the built FlashSale.Drill.dll), output piped (so progress comes as
/// plain lines), stopped with real signals.
/// </summary>
internal sealed class DrillProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _flooding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DrillProcess(Process process) => _process = process;

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    /// <summary>
    /// Starts the drill with SIGINT at its default disposition, as an interactive shell starts a command: a test host run in
    /// the background by a non-interactive shell inherits SIGINT ignored, and .NET, as POSIX asks, leaves it ignored.
    /// </summary>
    public static DrillProcess Start(string adminPassword, params string[] arguments)
    {
        var info = new ProcessStartInfo("env", ["--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "FlashSale.Drill.dll"), .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["FLASHSALE_ADMIN_PASSWORD"] = adminPassword;
        var drill = new DrillProcess(OwnProcesses.Track(Process.Start(info)!));
        drill._process.OutputDataReceived += (_, e) => drill.Append(drill._stdout, e.Data);
        drill._process.ErrorDataReceived += (_, e) => drill.Append(drill._stderr, e.Data);
        drill._process.BeginOutputReadLine();
        drill._process.BeginErrorReadLine();
        return drill;
    }

    /// <summary>Waits for the progress line that says the flood has begun.</summary>
    public async Task WaitUntilFloodingAsync(CancellationToken ct)
    {
        var first = await Task.WhenAny(_flooding.Task, _process.WaitForExitAsync(ct));
        if (first != _flooding.Task)
        {
            throw new InvalidOperationException($"The drill ended before it flooded:\n{Stdout}\n{Stderr}");
        }
    }

    /// <summary>Waits until stderr holds <paramref name="text"/> (polled every 20 ms).</summary>
    public async Task WaitForStderrAsync(string text, CancellationToken ct)
    {
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The drill ended before it wrote '{text}':\n{Stdout}\n{Stderr}");
            }

            await Task.Delay(20, ct);
        }
    }

    /// <summary>Sends the signals (kill's names: INT, TERM) one right after the other, from one shell.</summary>
    public async Task SignalAsync(params string[] signals)
    {
        var pid = _process.Id.ToString(CultureInfo.InvariantCulture);
        using var kill = Process.Start("sh", ["-c", string.Join("; ", signals.Select(s => $"kill -{s} {pid}"))])!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        // The asynchronous readers may still hold the last lines.
        _process.WaitForExit();
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

    private void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (to)
        {
            to.AppendLine(line);
        }

        if (line.Contains("· flooding ·", StringComparison.Ordinal))
        {
            _flooding.TrySetResult();
        }
    }

    private static string Read(StringBuilder from)
    {
        lock (from)
        {
            return from.ToString();
        }
    }
}
