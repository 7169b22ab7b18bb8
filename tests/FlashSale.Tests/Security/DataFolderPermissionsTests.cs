using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// The data folder holds the database (every account's password hash and credential stamp, every order), the token
/// signing key and the cookie keys. Created by the server, it is its user's only: until 2026-12-06 it was made with the
/// process's umask (drwxr-xr-x) and SQLite's file with it (-rw-r--r--), so any user of the host could read the
/// password hashes and every buyer's orders, though the signing key beside them was owner-only.
/// </summary>
public sealed class DataFolderPermissionsTests
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Theory]
    [InlineData(StorageKind.Embedded)]
    [InlineData(StorageKind.Redis)]
    public async Task ADataFolderTheServerCreates_IsItsOwnersOnly(StorageKind kind)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var storage = TestStorage.Create(kind);
        Assert.False(Directory.Exists(storage.DataPath));
        await using var app = new TestApp(storage: storage);
        using var client = app.CreateClient();
        using var health = await client.GetAsync("/health/live");

        Assert.True(Directory.Exists(storage.DataPath));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(storage.DataPath) & GroupOrOthers);
    }
}
