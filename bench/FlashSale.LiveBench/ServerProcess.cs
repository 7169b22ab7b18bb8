using System.Diagnostics;
using System.Globalization;

namespace FlashSale.LiveBench;

/// <summary>A process's resident memory and CPU time (the server's, or this one's), read from Linux's /proc.</summary>
internal sealed class ServerProcess(int pid)
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on Linux on x86-64 and arm64.
    private const double TicksPerSecond = 100;

    public long Rss()
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS for pid {pid}.");
    }

    public CpuWindow CpuWindow() => new(this);

    /// <summary>User plus system CPU seconds the process has used so far.</summary>
    public double CpuSeconds()
    {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}

/// <summary>The server's CPU time over a stretch of wall time.</summary>
internal sealed class CpuWindow(ServerProcess server)
{
    private readonly double _start = server.CpuSeconds();
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    public (double Seconds, double Share) Stop()
    {
        var used = server.CpuSeconds() - _start;
        return (used, used / _wall.Elapsed.TotalSeconds);
    }
}
