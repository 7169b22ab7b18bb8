using System.Text;
using FlashSale.Common;
using FlashSale.Purchasing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Operations;

/// <summary>
/// The fast problem+json writer must produce exactly the document ASP.NET Core's default writer
/// produces for the same problem (clients parse it), and leave to the default writer what it does not take.
/// </summary>
public sealed class ProblemJsonWriterTests
{
    public static TheoryData<string> Cases =>
        ["sold-out", "sold-out-some-left", "limit-reached", "rate-limited", "validation", "unicode", "instance-and-null", "nested"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task WritesTheSameDocumentAsTheDefaultWriter(string name)
    {
        var framework = await WriteWithDefaultAsync(Problem(name));
        var (ours, context) = await WriteWithOursAsync(Problem(name));

        Assert.Equal(framework, ours);
        Assert.Contains("\"traceId\":\"trace-1\"", ours, StringComparison.Ordinal);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(Encoding.UTF8.GetByteCount(ours), context.Response.ContentLength);
    }

    [Fact]
    public void LeavesBareStatusesSubclassesAndNonJsonClients_ToTheDefaultWriter()
    {
        var writer = Ours(out _);
        var json = Context("application/json, text/plain");
        var html = Context("text/html");

        Assert.True(writer.CanWrite(new ProblemDetailsContext { HttpContext = json, ProblemDetails = Problem("sold-out") }));
        Assert.True(writer.CanWrite(new ProblemDetailsContext { HttpContext = Context("*/*"), ProblemDetails = Problem("sold-out") }));
        Assert.False(writer.CanWrite(new ProblemDetailsContext { HttpContext = html, ProblemDetails = Problem("sold-out") }));
        Assert.False(writer.CanWrite(new ProblemDetailsContext { HttpContext = json, ProblemDetails = new ProblemDetails { Status = 404 } }));
        Assert.False(writer.CanWrite(new ProblemDetailsContext
        {
            HttpContext = json,
            ProblemDetails = new HttpValidationProblemDetails { Type = "t", Title = "x" },
        }));
    }

    private static ProblemDetails Problem(string name) => name switch
    {
        "sold-out" => ApiProblem.Create(StatusCodes.Status409Conflict, Reasons.SoldOut, "Sold out.", "Sold out.").ProblemDetails,
        "sold-out-some-left" => Refusal(PurchaseOutcome.Rejected.SoldOut(3)),
        "limit-reached" => Refusal(PurchaseOutcome.Rejected.LimitReached(2, 500)),
        "rate-limited" => ApiProblem.Create(StatusCodes.Status429TooManyRequests, Reasons.RateLimited, "Too many requests.",
            "At most 5 requests per 00:00:01.", new Dictionary<string, object?> { ["rule"] = "per-ip", ["retryAfter"] = 3 }).ProblemDetails,
        "validation" => ApiProblem.Validation(new Dictionary<string, string[]> { ["quantity"] = ["Must be 1–10.", "<b>"], ["x"] = [] }).ProblemDetails,
        "unicode" => ApiProblem.Create(StatusCodes.Status400BadRequest, Reasons.InvalidIdempotencyKey, "Ünïcode \"quoted\" & <tags>",
            "Send one key of 1–100 characters: letters, digits, '-' or '_'. 🙂").ProblemDetails,
        "instance-and-null" => new ProblemDetails
        {
            Type = "https://flashsale.dev/problems/x", Title = "T", Status = 418, Instance = "/i",
            Extensions = { ["reason"] = "x", ["nothing"] = null, ["big"] = long.MaxValue, ["flag"] = true },
        },
        "nested" => ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, Reasons.IdempotencyKeyMismatch, "T", null,
            new Dictionary<string, object?> { ["sale"] = new { Id = Guid.Empty, Remaining = 0, At = DateTimeOffset.UnixEpoch } }).ProblemDetails,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>A purchase's refusal as the endpoint answers it, numbers included (small ones boxed once, others not).</summary>
    private static ProblemDetails Refusal(PurchaseOutcome.Rejected rejected) =>
        ((ProblemHttpResult)PurchaseResults.ToHttp(rejected, new DefaultHttpContext()).Result).ProblemDetails;

    private static async Task<string> WriteWithDefaultAsync(ProblemDetails problem)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails(Customize).BuildServiceProvider();
        var context = Context(accept: null, services);
        context.Response.StatusCode = problem.Status ?? 500;
        await services.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        return Body(context);
    }

    private static async Task<(string Body, HttpContext Context)> WriteWithOursAsync(ProblemDetails problem)
    {
        var writer = Ours(out var services);
        var context = Context(accept: null, services);
        context.Response.StatusCode = problem.Status ?? 500;
        var problemContext = new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem };
        Assert.True(writer.CanWrite(problemContext));
        await writer.WriteAsync(problemContext);
        return (Body(context), context);
    }

    private static ProblemJsonWriter Ours(out IServiceProvider services)
    {
        services = new ServiceCollection().AddLogging().AddProblemDetails(Customize).BuildServiceProvider();
        return new ProblemJsonWriter(services.GetRequiredService<IOptions<ProblemDetailsOptions>>(),
            services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>());
    }

    // The server's own customisation, taken from its real setup.
    private static readonly Action<ProblemDetailsContext> ServerCustomization = new ServiceCollection().AddFlashSaleProblems()
        .BuildServiceProvider().GetRequiredService<IOptions<ProblemDetailsOptions>>().Value.CustomizeProblemDetails!;

    private static void Customize(ProblemDetailsOptions options) => options.CustomizeProblemDetails = ServerCustomization;

    private static DefaultHttpContext Context(string? accept, IServiceProvider? services = null)
    {
        var context = new DefaultHttpContext { TraceIdentifier = "trace-1", RequestServices = services! };
        context.Response.Body = new MemoryStream();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        return context;
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
