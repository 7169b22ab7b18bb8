using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace FlashSale.Common;

/// <summary>
/// HEAD is GET without the body (RFC 9110 §9.3.2: a server that answers GET answers HEAD). Minimal APIs map GET
/// only, so every page and API read answered HEAD with 405, and monitors, link checkers and <c>curl -I</c> saw an
/// error. Placed before routing, this runs a HEAD request as the GET it stands for, through the same authentication,
/// rate limits and handlers (so the same status and headers), and throws the body away. The endpoints and the
/// OpenAPI document stay GET only.
/// </summary>
/// <remarks>
/// A response that would stream (Server-Sent Events) ends once its headers are known: the handler sees the request
/// aborted, as when a viewer leaves, instead of holding a HEAD open for as long as the sale lasts. The request's method
/// is HEAD again once the pipeline is done, for the request log and metrics.
/// </remarks>
public sealed class HeadRequestsMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var aborted = context.RequestAborted;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var body = new NoBody(original, context.Response, ended);
        context.Request.Method = HttpMethods.Get;
        context.Features.Set<IHttpResponseBodyFeature>(body);
        context.RequestAborted = ended.Token;
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
            context.RequestAborted = aborted;
            context.Request.Method = HttpMethods.Head;
        }
    }

    /// <summary>
    /// After routing: a 405 for a path GET answers lists HEAD beside it. Only the requests routing gave the framework's
    /// 405 endpoint pay for the callback (registered for every other method, it was one more allocation per purchase).
    /// </summary>
    public static Task AllowHeadOnMethodNotAllowed(HttpContext context, RequestDelegate next)
    {
        // The framework's constant for that endpoint (HttpMethodMatcherPolicy); HeadRequestTests checks the header.
        if (context.GetEndpoint()?.DisplayName == "405 HTTP Method Not Supported")
        {
            context.Response.OnStarting(AllowHead, context.Response);
        }

        return next(context);
    }

    private static Task AllowHead(object state)
    {
        var response = (HttpResponse)state;
        if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            response.Headers.Allow = WithHead(response.Headers.Allow.ToString());
        }

        return Task.CompletedTask;
    }

    /// <summary>An <c>Allow</c> list with HEAD beside GET, as a 405 sends it (the problem's detail says the same).</summary>
    public static string WithHead(string allow)
    {
        var allowed = allow.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return allowed.Contains(HttpMethods.Get) && !allowed.Contains(HttpMethods.Head)
            ? string.Join(", ", [.. allowed, HttpMethods.Head])
            : allow;
    }

    /// <summary>The response's headers go out as for GET; whatever the handler writes after them is dropped.</summary>
    private sealed class NoBody(IHttpResponseBodyFeature inner, HttpResponse response, CancellationTokenSource ended)
        : Stream, IHttpResponseBodyFeature
    {
        private PipeWriter? _writer;

        public Stream Stream => this;

        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void DisableBuffering() => inner.DisableBuffering();

        public Task StartAsync(CancellationToken cancellationToken = default)
        {
            Written();
            return inner.StartAsync(cancellationToken);
        }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            Written();
            return Task.CompletedTask;
        }

        public async Task CompleteAsync()
        {
            if (_writer is not null)
            {
                await _writer.CompleteAsync();
            }

            await inner.CompleteAsync();
        }

        public override void Write(byte[] buffer, int offset, int count) => Written();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written();
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written();
            return ValueTask.CompletedTask;
        }

        public override void Flush() => Written();

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Written();
            return Task.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        /// <summary>A stream's headers are all a HEAD gets of it: its handler is told to stop.</summary>
        private void Written()
        {
            if (!ended.IsCancellationRequested
                && response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                ended.Cancel();
            }
        }
    }
}
