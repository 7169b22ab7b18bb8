using FlashSale.Drill.Api;
using FlashSale.Drill.Checking;
using FlashSale.Drill.Cli;
using FlashSale.Drill.Reporting;
using Spectre.Console;

namespace FlashSale.Drill.Tests;

/// <summary>An <c>--out</c> folder that cannot be written: refused before the run, or reported after the verdict.</summary>
public sealed class ReportOutputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("drill-out-").FullName;

    private static DrillOptions Seed => DrillOptions.ForPreset(Preset.Seed) with { AdminPassword = "pw", Quiet = true };

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AnOutFolderThatCannotBeCreated_IsAUsageErrorBeforeAnyRequest()
    {
        var file = Path.Combine(_root, "a-file");
        await File.WriteAllTextAsync(file, "", TestContext.Token);
        var server = new FakeFlashSaleServer();
        using var http = new HttpClient(server);

        var error = await Assert.ThrowsAsync<DrillSetupException>(() =>
            DrillRunner.RunAsync(Seed with { OutputDirectory = Path.Combine(file, "x") }, http, TestContext.Token));

        Assert.Contains("--out", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requested);
    }

    [Fact]
    public async Task AnOutFolderThatBreaksDuringTheRun_KeepsTheVerdictAndSaysTheFilesAreMissing()
    {
        var directory = Path.Combine(_root, "out");
        var server = new FakeFlashSaleServer();
        // After the flood, while the drill reads the orders, the folder becomes a file.
        server.OnRequest = uri =>
        {
            if (uri.AbsolutePath.EndsWith("/orders", StringComparison.Ordinal) && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
                File.WriteAllText(directory, "");
            }
        };
        using var http = new HttpClient(server);

        var report = await DrillRunner.RunAsync(Seed with { OutputDirectory = directory }, http, TestContext.Token);

        Assert.True(report.Passed);
        Assert.Equal(3, report.ExitCode);
        Assert.Empty(report.Files);
        Assert.Contains(directory, report.WriteError, StringComparison.Ordinal);

        using var text = new StringWriter();
        SummaryRenderer.Write(PlainConsole(text), report);
        var summary = text.ToString();
        var verdict = summary.IndexOf("All invariants hold", StringComparison.Ordinal);
        var missing = summary.IndexOf("could not be written", StringComparison.Ordinal);
        Assert.True(verdict >= 0 && missing > verdict, summary);
    }

    [Fact]
    public async Task AWritableOutFolder_GetsTheReport()
    {
        var directory = Path.Combine(_root, "new", "out");
        using var http = new HttpClient(new FakeFlashSaleServer());

        var report = await DrillRunner.RunAsync(Seed with { OutputDirectory = directory }, http, TestContext.Token);

        Assert.Equal(0, report.ExitCode);
        Assert.Null(report.WriteError);
        Assert.All(report.Files, f => Assert.True(File.Exists(f), f));
        Assert.Equal(2, Directory.GetFiles(directory).Length);
    }

    /// <summary>
    /// The JSON report lists the files the run wrote, itself included, and the failed run's responses CSV. Until
    /// 2026-12-06 it was serialized before the list was made: every report file said <c>"files": []</c>.
    /// </summary>
    [Fact]
    public async Task TheJsonReport_ListsTheFilesWritten()
    {
        var directory = Path.Combine(_root, "out");
        using var http = new HttpClient(new FakeFlashSaleServer(FakeServerBug.Oversell));

        var report = await DrillRunner.RunAsync(Seed with { OutputDirectory = directory }, http, TestContext.Token);

        Assert.False(report.Passed);
        var json = report.Files.Single(f => f.EndsWith(".json", StringComparison.Ordinal));
        using var written = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Token));
        var listed = written.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(report.Files, listed);
        Assert.Equal(3, listed.Count); // .json, .md, -responses.csv
        Assert.Equal(listed.Order(StringComparer.Ordinal), Directory.GetFiles(directory).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Runs started in the same second (three <c>seed --out x</c> at once) each keep their files, the failed one's
    /// responses CSV beside its own JSON. Until 2026-12-07 the names went to the second and were overwritten: one pair was left.
    /// </summary>
    [Fact]
    public async Task RunsStartedTogether_EachKeepTheirFiles_TheCsvPairedWithItsJson()
    {
        var directory = Path.Combine(_root, "out");
        var passed = SummaryRendererTests.Report();
        var failed = passed with { Verdicts = [new Verdict("no-oversell", "G1", "No oversell", false, "1 violation(s)", ["x"])] };

        var written = await Task.WhenAll(
            ReportWriter.WriteAsync(directory, passed, [], TestContext.Token),
            ReportWriter.WriteAsync(directory, passed, [], TestContext.Token),
            ReportWriter.WriteAsync(directory, failed, [], TestContext.Token));

        Assert.Equal(written.SelectMany(f => f).Order(StringComparer.Ordinal), Directory.GetFiles(directory).Order(StringComparer.Ordinal));
        Assert.Equal(7, Directory.GetFiles(directory).Length); // two pairs and a triple
        Assert.Equal(3, written.Select(f => f[0]).Distinct().Count());
        var stem = written[2][0][..^".json".Length];
        Assert.Equal([stem + ".json", stem + ".md", stem + "-responses.csv"], written[2]);
        Assert.Matches(@"drill-soak-19700101-000000-000-[0-9a-f]{6}\.json$", written[0][0]);
    }

    internal static IAnsiConsole PlainConsole(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(writer),
    });
}
