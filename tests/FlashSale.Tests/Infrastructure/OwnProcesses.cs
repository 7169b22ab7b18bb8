using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// The safety net under the servers tests start themselves (Redis, nginx, FlashSale): whatever a test did not stop is
/// killed when the test host exits, and a Redis left behind by a host that was itself killed (SIGKILL, a cancelled run)
/// is killed by the next host. Each test still stops its own; this only keeps a failure or an interrupted run from
/// leaving servers running for days (three were found once, untraced).
/// </summary>
public static class OwnProcesses
{
    /// <summary>Where tests' own servers keep their files: every own Redis runs with its working folder under it.</summary>
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "flashsale-tests");

    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static OwnProcesses()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        KillOrphanedRedis();
    }

    /// <summary>
    /// Marks <paramref name="dir"/> (an own server's folder under <see cref="Root"/>) as this host's: a server working
    /// there is an orphan once this process is gone, whatever started it (a review found the parent's command line a
    /// guess: other test runners are not named "testhost").
    /// </summary>
    public static void MarkOwned(string dir) =>
        File.WriteAllText(Path.Combine(dir, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

    private const string OwnerFile = "owner";

    /// <summary>Remembers a started server until it exits; returns it.</summary>
    public static Process Track(Process process)
    {
        Running[process.Id] = process;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => Running.TryRemove(process.Id, out _);
        return process;
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    /// <summary>
    /// A redis-server whose parent is not a test host (the host died and the server was re-parented) and whose working
    /// folder is under <see cref="Root"/> was left by a test host that died without stopping it. Redis rewrites its
    /// command line, so the folder it was given (--dir, where it changes to) is read from /proc/&lt;pid&gt;/cwd. A
    /// running host's servers are its children, so another test run's are left alone.
    /// </summary>
    public static IReadOnlyList<int> KillOrphanedRedis()
    {
        var killed = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return killed;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
                if (cwd is null || !cwd.StartsWith(Root + "/", StringComparison.Ordinal)
                    || !File.ReadAllText(Path.Combine(dir, "comm")).StartsWith("redis-server", StringComparison.Ordinal)
                    || (OwnerAlive(cwd) ?? IsTestHost(ParentOf(File.ReadAllText(Path.Combine(dir, "stat"))))))
                {
                    continue;
                }

                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
                killed.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return killed;
    }

    /// <summary>
    /// Whether the host that marked the server's folder (or the cluster folder above a node's) still runs; null when
    /// neither is marked (a folder from before the mark), and the parent's command line decides.
    /// </summary>
    private static bool? OwnerAlive(string cwd)
    {
        foreach (var folder in new[] { cwd, Path.GetDirectoryName(cwd) })
        {
            var marker = folder is null ? null : Path.Combine(folder, OwnerFile);
            if (marker is not null && File.Exists(marker)
                && int.TryParse(File.ReadAllText(marker), NumberStyles.None, CultureInfo.InvariantCulture, out var owner))
            {
                return Directory.Exists($"/proc/{owner}");
            }
        }

        return null;
    }

    // Orphans go to init, or to a subreaper where a supervisor set one: "not a test host" covers both.
    private static bool IsTestHost(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("testhost", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The parent pid from /proc/&lt;pid&gt;/stat: the field after the command name, which may hold spaces and ')'.</summary>
    internal static int ParentOf(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
