using FlashSale.Operations;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Operations;

/// <summary>
/// A word the server's command line cannot mean stops it with one line naming the word. Until 2026-12-06 a misspelt
/// command (<c>migarte</c>) or one after the settings (<c>--contentRoot /app migrate</c>) was ignored and the server
/// served: a migration job never ended.
/// </summary>
public sealed class CommandLineArgumentsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("serve")]
    [InlineData("migrate --Storage:DataPath=/data")]
    [InlineData("--urls http://127.0.0.1:0 --contentRoot /app Storage:Mode=Embedded")]
    [InlineData("serve --Storage:DataPath data /Admin:Username boss")]
    public void WhatTheHostReads_IsUnderstood(string args) => CommandLine.EnsureUnderstood(Split(args));

    [Theory]
    [InlineData("migarte", "Unknown command 'migarte': the commands are serve (the default), migrate and healthcheck")]
    [InlineData("--contentRoot /app migrate", "The command 'migrate' must come first: FlashSale migrate [--Key=Value ...].")]
    [InlineData("serve --urls=http://127.0.0.1:0 extra", "Unexpected argument 'extra'")]
    public void AWordItCannotMean_IsNamed(string args, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CommandLine.EnsureUnderstood(Split(args)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static string[] Split(string args) => args.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task TheServer_StopsInOneLine_OnAMisplacedCommand()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "flashsale-tests", "args-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, _, stderr) = await ServerProcess.RunUntilExitAsync(dataPath, extraArguments: ["migrate"]);

            Assert.True(exit == 1, $"exit {exit}: {stderr}");
            Assert.StartsWith("flashsale: The command 'migrate' must come first", stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }
}
