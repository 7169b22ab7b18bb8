using System.Buffers.Text;
using System.Diagnostics;
using System.Net;

namespace FlashSale.LiveBench;

/// <summary>
/// One live-feed connection: reads the snapshot on connect, then every frame in the background, keeping for each
/// <c>stock</c> event when it arrived (<see cref="Stopwatch"/> timestamp) and the remaining stock it carried.
/// </summary>
internal sealed class FeedClient : IAsyncDisposable
{
    private static readonly byte[] StockEvent = "event: stock\n"u8.ToArray();
    private static readonly byte[] Remaining = "\"remainingStock\":"u8.ToArray();

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private FeedClient(HttpResponseMessage response, Stream body, byte[] afterSnapshot)
    {
        _response = response;
        _body = body;
        _reading = ReadAsync(afterSnapshot);
    }

    /// <summary>The stock events received since the snapshot, in order. Read it after the burst.</summary>
    public List<(long At, int Remaining)> Events { get; } = [];

    public static async Task<FeedClient> ConnectAsync(HttpClient http, string saleId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sales/{saleId}/events") { Version = HttpVersion.Version11 };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync();
        // Everything up to the end of the first event (the snapshot); bytes read past it belong to the next frames.
        var buffer = new byte[4096];
        var filled = 0;
        int end;
        while ((end = buffer.AsSpan(0, filled).IndexOf("\n\n"u8)) < 0)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled));
            if (read == 0)
            {
                throw new InvalidOperationException("The stream ended before the snapshot.");
            }

            filled += read;
        }

        return new FeedClient(response, body, buffer[(end + 2)..filled]);
    }

    private async Task ReadAsync(byte[] pending)
    {
        var buffer = new byte[8192];
        var text = new List<byte>(pending);
        try
        {
            while (true)
            {
                var read = await _body.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                var at = Stopwatch.GetTimestamp();
                text.AddRange(buffer.AsSpan(0, read));
                Collect(text, at);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Closed by the benchmark.
        }
    }

    /// <summary>Takes every complete frame out of <paramref name="text"/>, noting the stock events.</summary>
    private void Collect(List<byte> text, long at)
    {
        var bytes = text.ToArray().AsSpan();
        var consumed = 0;
        int end;
        while ((end = bytes[consumed..].IndexOf("\n\n"u8)) >= 0)
        {
            var frame = bytes.Slice(consumed, end);
            var field = frame.IndexOf(Remaining);
            if (frame.IndexOf(StockEvent) >= 0 && field >= 0
                && Utf8Parser.TryParse(frame[(field + Remaining.Length)..], out int remaining, out _))
            {
                Events.Add((at, remaining));
            }

            consumed += end + 2;
        }

        text.RemoveRange(0, consumed);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _body.DisposeAsync();
        _response.Dispose();
        await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
