using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlashSale.Accounts;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A first start without <c>Admin:Password</c> generates the admin's password. Outside Development the console is a log
/// (shipped, kept, read by more people than the admin): the password goes to <c>admin-password</c> in the data folder,
/// readable by the server's user only, and the console says where. Until 2026-12-06 it was printed to stdout in
/// Production too. In Development it is still printed, for the person at the terminal. The real server as a process,
/// so what it writes to its console is what is checked.
/// </summary>
public sealed partial class GeneratedAdminPasswordTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "adminpw-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task InProduction_ThePasswordIsInAnOwnerOnlyFile_AndNeverOnTheConsole()
    {
        string password;
        await using (var server = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string> { ["Admin__Password"] = "" }))
        {
            var file = Path.Combine(_dataPath, GeneratedPasswordFile.FileName);
            password = (await File.ReadAllTextAsync(file)).Trim();

            Assert.Equal(24, password.Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }

            Assert.Equal(HttpStatusCode.OK, await SignInAsync(server, password));
            var output = await OutputWithAsync(server, "FlashSale admin account created");
            Assert.Contains($"password: in {file} (readable by this user only)", output, StringComparison.Ordinal);
            Assert.Contains($"[1008] Admin account admin created with a generated password, written to {file}", output, StringComparison.Ordinal);
            Assert.DoesNotContain(password, output, StringComparison.Ordinal);
        }

        // The next start finds the admin: nothing generated, the file left for the operator to delete.
        await using var again = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string> { ["Admin__Password"] = "" });
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(again, password));
        Assert.DoesNotContain("FlashSale admin account created", again.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A password set later (the README's drill start on the same data folder) rotates the generated one: the file that
    /// held it goes, rather than stay to be read and refused (until 2026-12-07).
    /// </summary>
    [Fact]
    public async Task APasswordSetLater_DeletesTheGeneratedOnesFile()
    {
        var file = Path.Combine(_dataPath, GeneratedPasswordFile.FileName);
        await using (await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string> { ["Admin__Password"] = "" }))
        {
            Assert.True(File.Exists(file));
        }

        await using var rotated = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string> { ["Admin__Password"] = "drill-secret" });
        Assert.False(File.Exists(file));
        Assert.Contains($"[1009] Deleted {file}", await OutputWithAsync(rotated, "[1009]"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(rotated, "drill-secret"));
    }

    [Fact]
    public async Task InDevelopment_ThePasswordIsPrinted_AndNoFileIsWritten()
    {
        await using var server = await ServerProcess.StartAsync(_dataPath, new Dictionary<string, string>
        {
            ["Admin__Password"] = "",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        });

        var printed = PrintedPassword().Match(await OutputWithAsync(server, "password: "));
        Assert.True(printed.Success, server.Output);
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(server, printed.Groups[1].Value));
        Assert.False(File.Exists(Path.Combine(_dataPath, GeneratedPasswordFile.FileName)));
    }

    /// <summary>A data folder it cannot write the file to stops the start, before any admin is made with a password nobody has.</summary>
    [Fact]
    public async Task APasswordFileThatCannotBeWritten_StopsTheStart_NamingTheSetting()
    {
        // A folder where the file should be: it can be neither deleted as a file nor created.
        Directory.CreateDirectory(Path.Combine(_dataPath, GeneratedPasswordFile.FileName, "inside"));

        var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(_dataPath, new Dictionary<string, string> { ["Admin__Password"] = "" });

        Assert.Equal(1, exit);
        Assert.Contains("The generated admin password could not be written to", stderr, StringComparison.Ordinal);
        Assert.Contains("Set Admin:Password", stderr, StringComparison.Ordinal);

        // No admin was made: a start with a password set creates it with that one.
        await using var fixedUp = await ServerProcess.StartAsync(_dataPath);
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(fixedUp, TestApp.AdminPassword));
    }

    private static async Task<HttpStatusCode> SignInAsync(ServerProcess server, string password)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password });
        return response.StatusCode;
    }

    /// <summary>The server's output once it holds <paramref name="text"/> (its console is read as it comes).</summary>
    private static async Task<string> OutputWithAsync(ServerProcess server, string text)
    {
        for (var i = 0; i < 100 && !server.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        return server.Output;
    }

    [GeneratedRegex(@"password: ([A-Za-z0-9_-]{24})\s")]
    private static partial Regex PrintedPassword();

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
