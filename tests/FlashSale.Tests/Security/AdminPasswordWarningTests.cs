using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Security;

/// <summary>
/// An admin password from configuration that a buyer could not register with (NewPasswordRules) is said at the start,
/// event 1010, not refused: the operator set it, and a deployment that starts today keeps starting.
/// </summary>
public sealed class AdminPasswordWarningTests
{
    [Theory]
    [InlineData("password123", true)]
    [InlineData("correct horse battery", false)]
    public async Task AGuessableAdminPassword_IsWarnedAboutAtTheStart_AndStillSignsIn(string password, bool warned)
    {
        var logs = new ErrorLog(LogLevel.Warning);
        await using var app = new TestApp(services: s => s.AddSingleton<ILoggerProvider>(logs),
            settings: new Dictionary<string, string?> { ["Admin:Password"] = password });

        var token = await new Api(app.CreateClient()).TokenAsync("admin", password);

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(warned, logs.Entries.Any(l => l.StartsWith("Warning 1010 ", StringComparison.Ordinal)));
    }
}
