using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlashSale.Operations;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Operations;

/// <summary>
/// Hosting's per-request logger gives each request an Activity and a log scope. JSON logs print the
/// scope (a request's lines found together by its trace id), so they keep it; text logs print neither,
/// so they switch it off unless its request lines were asked for.
/// </summary>
public sealed partial class RequestLoggingTests
{
    [Fact]
    public async Task TextLogs_NoRequestActivity_TheProblemCarriesTheRequestId()
    {
        await using var app = new TestApp();

        Assert.False(RequestLoggerEnabled(app));
        var traceId = await ProblemTraceId(app);
        Assert.DoesNotMatch(W3CTraceId(), traceId);
        Assert.False(string.IsNullOrWhiteSpace(traceId));
    }

    [Fact]
    public async Task JsonLogs_KeepTheRequestActivity_TheProblemCarriesItsTraceId()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?> { ["Logging:Format"] = "json" });

        Assert.True(RequestLoggerEnabled(app));
        Assert.Matches(W3CTraceId(), await ProblemTraceId(app));
    }

    [Fact]
    public async Task TextLogs_WithRequestLinesAskedFor_KeepTheRequestLogger()
    {
        await using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            [$"Logging:LogLevel:{LoggingSetup.RequestLogCategory}"] = "Information",
        });

        Assert.True(RequestLoggerEnabled(app));
        Assert.Matches(W3CTraceId(), await ProblemTraceId(app));
    }

    [Theory]
    [InlineData(null, null, null, LogLevel.Information)]
    [InlineData("Warning", null, null, LogLevel.Warning)]
    [InlineData("Warning", "information", null, LogLevel.Information)]
    [InlineData("Information", "Warning", "Debug", LogLevel.Debug)]
    [InlineData("Debug", "Warning", "not-a-level", LogLevel.Warning)]
    public void ConfiguredLevel_TheLongestConfiguredPrefixWins(string? @default, string? aspNetCore, string? exact, LogLevel expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = @default,
            ["Logging:LogLevel:Microsoft.AspNetCore"] = aspNetCore,
            [$"Logging:LogLevel:{LoggingSetup.RequestLogCategory}"] = exact,
        }).Build();

        Assert.Equal(expected, LoggingSetup.ConfiguredLevel(configuration, LoggingSetup.RequestLogCategory));
    }

    private static bool RequestLoggerEnabled(TestApp app) =>
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggingSetup.RequestLogCategory).IsEnabled(LogLevel.Critical);

    private static async Task<string> ProblemTraceId(TestApp app)
    {
        using var response = await app.CreateClient().GetAsync($"/api/v1/sales/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("traceId").GetString()!;
    }

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex W3CTraceId();
}
