using System.Text;
using System.Text.Json.Nodes;

namespace FlashSale.Tests.Infrastructure;

/// <summary>A minimal Server-Sent Events reader for tests: events and comment lines, in order.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseClient(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public int Comments { get; private set; }

    public int? Retry { get; private set; }

    public static async Task<SseClient> ConnectAsync(HttpClient http, string saleId, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sales/{saleId}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event (comments are counted, not returned); throws on timeout or end of stream.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        string? id = null, name = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("The stream ended.");
            if (line.Length == 0)
            {
                if (data.Length > 0 || name is not null)
                {
                    return new SseEvent(id, name ?? "message", data.ToString());
                }

                continue;
            }

            if (line[0] == ':')
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": name = value; break;
                case "data": data.Append(value); break;
                case "retry": Retry = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
    }

    /// <summary>Reads events until one matches; returns it and how many events it took.</summary>
    public async Task<(SseEvent Event, int Count)> UntilAsync(Func<SseEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var count = 0;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var next = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            count++;
            if (match(next))
            {
                return (next, count);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}

public sealed record SseEvent(string? Id, string Name, string Data)
{
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();

    public int Remaining => Json["remainingStock"]!.GetValue<int>();

    public string Status => Json["status"]!.GetValue<string>();

    public long Version => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);
}
