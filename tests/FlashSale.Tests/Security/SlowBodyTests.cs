using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FlashSale.Tests.Infrastructure;

namespace FlashSale.Tests.Security;

/// <summary>
/// A body that trickles in slower than <c>Limits:MinRequestBodyBytesPerSecond</c> is cut off with 408
/// <c>request_timeout</c>: the client was too slow, its JSON was never the problem (until 2026-12-06 the JSON
/// endpoints called it 408 <c>invalid_json</c>, "The body could not be read"), and nothing was created.
/// </summary>
public sealed class SlowBodyTests : IAsyncLifetime
{
    private readonly TestApp _app = new(realSocket: true, settings: new Dictionary<string, string?>
    {
        ["Limits:MinRequestBodyGracePeriod"] = "00:00:02",
    });

    public Task InitializeAsync()
    {
        _app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Registration_WhoseBodyTrickles_Is408RequestTimeout_AndCreatesNoAccount()
    {
        var server = _app.CreateClient().BaseAddress!;
        var body = Encoding.UTF8.GetBytes("""{"username":"slow-sloth","password":"correct horse battery"}""");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(
            $"POST /api/v1/accounts HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n"));

        // One byte every 300 ms: ~3 bytes a second against the 240 required once the 2 s grace period is over.
        var answer = new StringBuilder();
        var reading = ReadAllAsync(stream, answer);
        for (var i = 0; i < body.Length - 1 && !reading.IsCompleted; i++)
        {
            try
            {
                await stream.WriteAsync(body.AsMemory(i, 1));
            }
            catch (IOException)
            {
                break;   // the server gave up on us and closed
            }

            await Task.WhenAny(reading, Task.Delay(300));
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        var text = answer.ToString();
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", text, StringComparison.OrdinalIgnoreCase);
        var problem = JsonNode.Parse(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!;
        Assert.Equal("request_timeout", problem["reason"]!.GetValue<string>());

        var api = new Api(_app.CreateClient());
        using var token = await api.PostJsonAsync("/api/v1/auth/token", """{"username":"slow-sloth","password":"correct horse battery"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
    }

    private static async Task ReadAllAsync(NetworkStream stream, StringBuilder into)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                into.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // Reset after the answer: what arrived is the answer.
        }
    }
}
