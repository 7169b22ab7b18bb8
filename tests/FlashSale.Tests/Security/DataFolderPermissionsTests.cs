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

    [Fact]
    public async Task InAFolderTheOperatorMade_TheDatabasesFilesAreStillItsOwnersOnly_ThoseOfAnEarlierStartToo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var storage = TestStorage.Create(StorageKind.Embedded);
        // As `install -d -m 755 /var/lib/flashsale` leaves it, with a database an earlier version left readable to all.
        Directory.CreateDirectory(storage.DataPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var database = Path.Combine(storage.DataPath, "flashsale.db");
        await using (var first = new TestApp(storage: storage))
        {
            using var client = first.CreateClient();
            using var health = await client.GetAsync("/health/ready");
        }

        File.SetUnixFileMode(database, File.GetUnixFileMode(database) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var app = new TestApp(storage: storage);
        var admin = await Api.AsAdminAsync(app.CreateClient());
        await admin.CreateSaleAsync(stock: 3);

        foreach (var file in new[] { database, database + "-wal", database + "-shm" })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & GroupOrOthers);
        }
    }
}
