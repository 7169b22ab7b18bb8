namespace FlashSale.Storage;

/// <summary>
/// <c>Storage:DataPath</c>, created for the server's user only: it holds the database (every account's password hash
/// and credential stamp, every order), the token signing key and the cookie keys. Made with the process's umask it was
/// drwxr-xr-x, and SQLite's file in it -rw-r--r--: readable by every user of the host. A folder that exists already
/// (made by the operator, a container image or a volume) is left as it is.
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
}
