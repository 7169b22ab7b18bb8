using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Common;

/// <summary>
/// Reads request bodies strictly: unknown fields, duplicate properties, numbers as strings, decimals a decimal cannot hold exactly,
/// missing required values, times without their offset and deep nesting are all 400s. Model binding in minimal APIs turns
/// these into bare 400s (or exceptions in Development); reading here gives every caller the
/// same problem+json with a reason, and the handler never sees a half-valid object. Property names are matched ignoring
/// case (the web defaults; docs/api.md says so), so a property given in two cases is a duplicate.
/// </summary>
public static class StrictJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 8,
        Converters = { new InstantConverter(), new ExactDecimalConverter(), new WholeNumberConverter() },
    };

    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return Fail<T>(ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, Reasons.UnsupportedMediaType,
                "The body must be JSON.", "Send Content-Type: application/json."));
        }

        if (!Utf8(request.ContentType))
        {
            // RFC 8259 8.1: JSON between systems is UTF-8, and the reader reads nothing else. Until 2026-12-07 another
            // charset was read as UTF-8 anyway: a Latin-1 "Café" was refused as "expected a string", which it was.
            return Fail<T>(ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, Reasons.UnsupportedMediaType,
                "The body must be JSON in UTF-8.", "Send Content-Type: application/json, with charset=utf-8 or no charset."));
        }

        try
        {
            var value = await DeserializeAsync<T>(request.BodyReader, ct);
            return value is null
                ? Fail<T>(InvalidJson("The body must be a JSON object, not null."))
                : new BodyResult<T>(value, null);
        }
        catch (JsonException ex)
        {
            // The field and what it must be, never the payload.
            return Fail<T>(InvalidJson(JsonErrorText.Describe(ex, typeof(T), Options)));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail<T>(ApiProblem.BodyTooLarge(request.HttpContext));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum body rate: the body came too slowly, which is no fault of its JSON.
            return Fail<T>(ApiProblem.Create(StatusCodes.Status408RequestTimeout, Reasons.RequestTimeout,
                "The request arrived too slowly."));
        }
        catch (BadHttpRequestException ex)
        {
            return Fail<T>(ApiProblem.Create(ex.StatusCode, Reasons.InvalidJson, "The body could not be read."));
        }
        catch (InvalidOperationException ex)
        {
            // Raised by System.Text.Json for invalid UTF-8 and similar malformed input.
            return Fail<T>(InvalidJson(ex.Message));
        }
    }

    /// <summary>
    /// The whole body first, then one synchronous parse: request bodies here are a few dozen bytes, and
    /// the serializer's streaming path cost more than the parse itself. Kestrel's body size limit applies
    /// while reading (413), so the buffer is bounded. The span overload refuses anything after the value.
    /// </summary>
    private static async Task<T?> DeserializeAsync<T>(System.IO.Pipelines.PipeReader body, CancellationToken ct)
    {
        while (true)
        {
            var read = await body.ReadAsync(ct);
            if (read.IsCanceled)
            {
                throw new OperationCanceledException(ct);
            }

            if (!read.IsCompleted)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                continue;
            }

            try
            {
                return read.Buffer.IsSingleSegment
                    ? JsonSerializer.Deserialize<T>(WithoutByteOrderMark(read.Buffer.FirstSpan), Options)
                    : JsonSerializer.Deserialize<T>(WithoutByteOrderMark(System.Buffers.BuffersExtensions.ToArray(read.Buffer)), Options);
            }
            finally
            {
                body.AdvanceTo(read.Buffer.End);
            }
        }
    }

    /// <summary>
    /// One leading UTF-8 byte-order mark is skipped, as the serializer's stream reader does and RFC 8259 §8.1 allows:
    /// Windows PowerShell 5's <c>Invoke-RestMethod</c> with a UTF-8 file and .NET's default <c>UTF8Encoding</c> writers
    /// send one, and the span parser refused it as invalid JSON. A second one, or one anywhere else, is still invalid.
    /// </summary>
    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> body) =>
        body.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>No charset, or UTF-8's (<c>utf-8</c>, <c>utf8</c>, any case, quoted or not); parsed only when one is named.</summary>
    internal static bool Utf8(string? contentType)
    {
        if (contentType is null || contentType.IndexOf("charset", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return true;
        }

        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || !mediaType.Charset.HasValue)
        {
            // "charset" in another parameter's value, or no value: HasJsonContentType has judged the type already.
            return true;
        }

        // The parameter as written, quotes included (charset="utf-8" is charset=utf-8, RFC 9110 5.6.6). US-ASCII is UTF-8's
        // subset.
        var charset = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(mediaType.Charset);
        return charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase);
    }

    private static ProblemHttpResult InvalidJson(string detail) =>
        ApiProblem.Create(StatusCodes.Status400BadRequest, Reasons.InvalidJson, "The body is not valid JSON for this request.", detail);

    private static BodyResult<T> Fail<T>(ProblemHttpResult problem) where T : class => new(null, problem);
}

public readonly record struct BodyResult<T>(T? Value, ProblemHttpResult? Problem) where T : class;
