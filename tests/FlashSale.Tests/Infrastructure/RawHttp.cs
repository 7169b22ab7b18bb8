using System.Net.Sockets;
using System.Text;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient refuses to send: repeated header lines,
/// empty header values, headers and URLs past Kestrel's limits.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int Status, string? MediaType, string Body, IReadOnlyDictionary<string, string> Headers);

    public static async Task<Answer> SendAsync(Uri server, string method, string target, IEnumerable<string> headerLines, byte[]? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(server.Authority).Append("\r\n");
        head.Append("Connection: close\r\n");
        foreach (var line in headerLines)
        {
            head.Append(line).Append("\r\n");
        }

        body ??= [];
        head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()));
            await stream.WriteAsync(body);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything we send.
        }

        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer);
        }
        catch (IOException)
        {
            // Reset after the answer: what arrived is the answer.
        }

        return Parse(buffer.ToArray());
    }

    private static Answer Parse(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new InvalidOperationException($"No HTTP answer: '{text}'");
        }

        var lines = text[..split].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2))
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(split + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        var mediaType = headers.TryGetValue("Content-Type", out var ct) ? ct.Split(';')[0].Trim() : null;
        return new Answer(status, mediaType, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)), headers);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var end = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..end].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, end + 2, size);
            at = end + 2 + size + 2;
        }

        return result.ToString();
    }
}
