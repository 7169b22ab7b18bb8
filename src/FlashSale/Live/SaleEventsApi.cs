using FlashSale.Common;
using FlashSale.Operations;
using System.Globalization;
using System.Text;
using FlashSale.Sales;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Live;

public static class SaleEventsApi
{
    public static RouteGroupBuilder MapSaleEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/sales").WithTags("Sales");
        group.MapGet("/{id}/events", Stream).WithName("SaleEvents")
            .WithSummary("Live stock and status (Server-Sent Events): a snapshot, then changes; resumes with Last-Event-ID.")
            // A type, or the content type is dropped from the document (a bare 200).
            .Produces(StatusCodes.Status200OK, typeof(string), "text/event-stream")
            .ReadsHeader("Last-Event-ID", "The id of the last event received, sent by an EventSource when it reconnects: the current "
                + "state follows unless this is that state's own id.")
            .Refuses(StatusCodes.Status404NotFound, Reasons.SaleNotFound)
            .ExplainsProblem(StatusCodes.Status429TooManyRequests,
                "Too many live streams open from this address (Live:MaxStreamsPerClient), or a rate-limit rule refused the call (`rule`, `retryAfter`).");
        return group;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Stream(string id, HttpContext context,
        ISaleStore sales, SaleFeedHub hub, StreamQuota quota, FlashSaleMetrics metrics, TimeProvider clock)
    {
        var ct = context.RequestAborted;
        var sale = await SalesApi.FindAsync(id, sales, ct);
        if (sale is null)
        {
            return SalesApi.SaleNotFound();
        }

        using var lease = quota.TryEnter(context);
        if (lease is null)
        {
            // Counted with the rate-limit rules' refusals, so the operator sees an address at its cap.
            metrics.RateLimited(StreamQuota.RuleName);
            return ApiProblem.RateLimited(context, StreamQuota.RuleName, (int)Math.Ceiling(hub.Options.Retry.TotalSeconds), "Too many live streams from this address.",
                string.Create(CultureInfo.InvariantCulture, $"At most {quota.Max} open at once (Live:MaxStreamsPerClient); close one and try again."));
        }

        FeedSubscriber subscriber;
        try
        {
            subscriber = await hub.SubscribeAsync(sale.Id, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Deleted between the lookup and the first read.
            return SalesApi.SaleNotFound();
        }

        using var _ = subscriber;
        metrics.SseClientConnected();
        using var counted = new Disconnect(metrics);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        // nginx and friends would otherwise buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        var body = response.Body;

        var retry = (long)hub.Options.Retry.TotalMilliseconds;
        await body.WriteAsync(Encoding.UTF8.GetBytes($"retry: {retry.ToString(CultureInfo.InvariantCulture)}\n\n"), ct);

        // Resuming with this very state's id: nothing new to send. Any other id gets the current state, older or newer:
        // ids come from each instance's clock, so one from an instance whose clock runs ahead is not "newer" here, and
        // skipping up to it left the viewer without the states in between (behind a load balancer, a reconnect may
        // land on any instance).
        var current = subscriber.Current;
        var sent = current.Version;
        if (!PlainNumber.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), out long last)
            || last != current.Version)
        {
            await body.WriteAsync(current.Snapshot(clock.GetUtcNow()), ct);
        }

        await body.FlushAsync(ct);
        // The client leaving completes the queue, and so ends the loop, without an exception: read with the request's
        // token, each viewer that left threw three OperationCanceledExceptions on its way out (30,000 for a crowd of 10,000).
        using var leaving = ct.UnsafeRegister(static state => ((FeedSubscriber)state!).Complete(), subscriber);
        try
        {
            await foreach (var frame in subscriber.Frames.ReadAllAsync(CancellationToken.None))
            {
                switch (frame)
                {
                    case FeedFrame.Changed changed when changed.State.Version > sent:
                        await body.WriteAsync(changed.State.Update, ct);
                        sent = changed.State.Version;
                        break;
                    case FeedFrame.Heartbeat:
                        await body.WriteAsync(FeedFrame.Heartbeat.Bytes, ct);
                        break;
                    case FeedFrame.Gone:
                        await body.WriteAsync(FeedFrame.Gone.Bytes, ct);
                        break;
                    default:
                        continue;
                }

                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away during a write.
        }

        return TypedResults.Empty;
    }

    /// <summary>Counts the stream closed however the handler ends (client gone, shutdown, sale deleted).</summary>
    private sealed class Disconnect(FlashSaleMetrics metrics) : IDisposable
    {
        public void Dispose() => metrics.SseClientDisconnected();
    }
}
