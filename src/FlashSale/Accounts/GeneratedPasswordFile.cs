using FlashSale.Storage;

namespace FlashSale.Accounts;

/// <summary>
/// <c>admin-password</c> in the data folder: a generated admin password outside Development, for the server's user only
/// (0600 in a folder made 0700, as the signing key). One left by an earlier start whose database was since wiped is
/// replaced, never appended to or read.
/// </summary>
public static class GeneratedPasswordFile
{
    public const string FileName = "admin-password";

    /// <summary>Writes <paramref name="password"/>; returns the file's full path. Stops the start, naming the setting, if it cannot.</summary>
    public static string Write(string dataPath, string password)
    {
        var path = Path.Combine(Path.GetFullPath(dataPath), FileName);
        try
        {
            DataFolder.Create(Path.GetDirectoryName(path)!);
            // Replaced, not opened: a file made by someone else keeps its owner and mode when written over.
            File.Delete(path);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.WriteLine(password);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The generated admin password could not be written to {path} (Storage:DataPath): {e.Message} "
                + "Set Admin:Password, or give Storage:DataPath a folder this user can write.", e);
        }

        return path;
    }

    /// <summary>
    /// Deletes the file, if there is one, once the password it holds is no longer the admin's (rotated from
    /// configuration): until 2026-12-07 it stayed, and an operator who read it was refused with what it said. Returns the
    /// path it deleted, or null. A file that cannot be deleted is left (the rotation stands either way).
    /// </summary>
    public static string? RemoveStale(string dataPath)
    {
        var path = Path.Combine(Path.GetFullPath(dataPath), FileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            File.Delete(path);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
