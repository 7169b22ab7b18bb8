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

    /// <summary>Takes the folder's lock, or throws naming the folder and what holds it.</summary>
    public static DataFolderLock Take(string folder)
    {
        var path = Path.Combine(folder, FileName);
        FileStream held;
        try
        {
            held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
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

    public void Dispose() => _held.Dispose();
}
