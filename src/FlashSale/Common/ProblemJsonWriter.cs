using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FlashSale.Common;

/// <summary>
/// Writes the API's problem+json (every <see cref="ApiProblem"/>) in one buffered write with a
/// Content-Length. The document is the one ASP.NET Core's default writer produces, byte for byte
/// (<c>ProblemJsonWriterTests</c> compares them): the same members in the same order, the options'
/// <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>, a <c>traceId</c>. It exists because
/// in a flash sale almost every answer is a problem (sold out), and the default writer's general
/// object serializer was a measurable share of a rejection (docs/benchmarks.md).
/// </summary>
/// <remarks>
/// It takes only plain <see cref="ProblemDetails"/> that already have a type and a title, which is
/// what <see cref="ApiProblem"/> builds; anything else (a bare status from the framework, a
/// subclass) is left to the default writer registered after it.
/// </remarks>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> problemOptions,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    private const string ContentType = "application/problem+json";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue ProblemJson = new(ContentType);

    private readonly Action<ProblemDetailsContext>? _customize = problemOptions.Value.CustomizeProblemDetails;
    private readonly JsonSerializerOptions _json = jsonOptions.Value.SerializerOptions;

    public bool CanWrite(ProblemDetailsContext context) =>
        context.ProblemDetails is { Type: not null, Title: not null } problem && problem.GetType() == typeof(ProblemDetails)
        && AcceptsJson(context.HttpContext.Request.Headers.Accept);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        _customize?.Invoke(context);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _json.Encoder }))
        {
            Write(writer, problem);
        }

        http.Response.ContentType = ContentType;
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private void Write(Utf8JsonWriter writer, ProblemDetails problem)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, "type", problem.Type);
        WriteIfSet(writer, "title", problem.Title);
        if (problem.Status is { } status)
        {
            writer.WriteNumber("status", status);
        }

        WriteIfSet(writer, "detail", problem.Detail);
        WriteIfSet(writer, "instance", problem.Instance);
        // Enumerated as the concrete dictionary ProblemDetails starts with: through the interface each problem
        // would box an enumerator. (Another dictionary put in its place is copied, keeping its order.)
        var extensions = problem.Extensions as Dictionary<string, object?> ?? new Dictionary<string, object?>(problem.Extensions);
        foreach (var (name, value) in extensions)
        {
            writer.WritePropertyName(name);
            switch (value)
            {
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case int number:
                    writer.WriteNumberValue(number);
                    break;
                default:
                    JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(object), _json);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>As the default writer decides: no Accept header, or one that admits JSON or problem+json.</summary>
    private static bool AcceptsJson(Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (accept.Count == 0)
        {
            return true;
        }

        return MediaTypeHeaderValue.TryParseList(accept, out var types)
            && types.Any(t => Json.IsSubsetOf(t) || ProblemJson.IsSubsetOf(t));
    }
}
