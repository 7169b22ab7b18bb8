namespace FlashSale.Storage.Embedded;

/// <summary>
/// One embedded server per data folder. Each server rebuilds its own ledger from the record with every sale's whole
/// stock, so two on one folder (a deploy that starts the new server before the old one has exited) would each sell
/// it, both committing to the same file (G1). The folder's lock file is held open with <see cref="FileShare.None"/>
/// (an exclusive <c>flock</c> on Linux) from before the record is first opened until the process ends; the kernel
/// drops it when the process dies, <c>kill -9</c> included, so a crash never leaves a lock behind.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    public const string FileName = "flashsale.lock";

    private readonly FileStream _held;

    private DataFolderLock(FileStream held) => _held = held;

    /// <summary>
    /// Creates the folder and takes its lock, or throws naming the folder and what is wrong: another process holds it,
    /// or the folder cannot be created or written (a file of that name, a read-only file system, no permission).
    /// </summary>
    public static DataFolderLock Take(string folder)
    {
        var path = Path.Combine(folder, FileName);
        FileStream held;
        try
        {
            // Owner-only when this process makes it (DataFolder): it holds every password hash and the keys.
            DataFolder.Create(folder);
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !Writable(folder))
        {
            // Until 2026-12-06 any IOException here was taken for another server's lock: a folder on a read-only file
            // system was said to be "in use by another process", and one that could not be created named only the path.
            throw new InvalidOperationException(
                $"The data folder {folder} (Storage:DataPath) cannot be used: {e.Message} Give Storage:DataPath a folder this " +
                "process can create and write.", e);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The data folder {folder} is in use by another process, most likely another FlashSale server: it holds " +
                $"the lock file {path} (`cat` it for the holder's pid). Two servers on one data folder would each sell " +
                "every sale's whole stock. Stop the other server first (its lock ends when it exits), or give this one " +
                "another Storage:DataPath.", e);
        }

        // Who holds it, for the operator whose second server was refused (cat reads it; only FileStreams honour the lock).
        try
        {
            held.SetLength(0);
            held.Write(System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} on {Environment.MachineName}\n"));
            held.Flush();
        }
        catch (IOException)
        {
            // Only a note: a disk too full for it must not stop the start (the write gate refuses purchases then).
        }

        return new DataFolderLock(held);
    }

    /// <summary>Whether a file can be created in <paramref name="folder"/>: when it can, the lock is another process's.</summary>
    private static bool Writable(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".flashsale-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => _held.Dispose();
}
