namespace FlashSale.Storage;

/// <summary>
/// <c>Storage:DataPath</c>, created for the server's user only: it holds the database (every account's password hash
/// and credential stamp, every order), the token signing key and the cookie keys. Made with the process's umask it was
/// drwxr-xr-x, and SQLite's file in it -rw-r--r--: readable by every user of the host. A folder that exists already
/// (made by the operator, a container image or a volume) is left as it is; the files the server makes in it are its
/// user's alone (<see cref="KeepDatabasePrivate"/>, the keys' and secrets' own).
/// </summary>
public static class DataFolder
{
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private const UnixFileMode OthersAccess = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// The database's files for the server's user only, whatever the folder or the umask: <paramref name="database"/>
    /// created empty as 0600 if it is not there (SQLite makes its <c>-wal</c> and <c>-shm</c> with the database's own
    /// mode), and the three taken back to the owner if they are. In a folder the operator made (the README's
    /// <c>/var/lib/flashsale</c>, a volume) they were -rw-r--r-- until 2026-12-07: every user of the host could read
    /// every password hash and order (an audit).
    /// </summary>
    public static void KeepDatabasePrivate(string database)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(database))
        {
            using var created = new FileStream(database, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }

        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & OthersAccess) != 0)
            {
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) & ~OthersAccess);
            }
        }
    }
}
