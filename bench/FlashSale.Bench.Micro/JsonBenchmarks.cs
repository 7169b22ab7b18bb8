using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FlashSale.Common;
using FlashSale.Orders;
using FlashSale.Purchasing;
using Microsoft.AspNetCore.Http;

namespace FlashSale.Bench.Micro;

/// <summary>The JSON on the purchase path: the strict body read and the order answer.</summary>
public class JsonBenchmarks
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"quantity":1}""");

    // Minimal APIs write TypedResults with the web defaults; FlashSale adds no options of its own.
    private static readonly JsonSerializerOptions ResponseOptions = new(JsonSerializerDefaults.Web);

    private readonly DefaultHttpContext _context = new();
    private readonly MemoryStream _body = new(Body, writable: false);
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private OrderResponse _order = null!;

    [GlobalSetup]
    public void Setup()
    {
        _context.Request.ContentType = "application/json";
        _context.Request.Body = _body;
        _order = OrderResponse.From(BenchData.NewOrder(BenchData.OpenSale(10_000_000, 1000)));
    }

    [Benchmark]
    public async Task<int> ReadPurchaseBody()
    {
        _body.Position = 0;
        var result = await StrictJson.ReadAsync<PurchaseRequest>(_context.Request, CancellationToken.None);
        return result.Value!.Quantity;
    }

    [Benchmark]
    public int WriteOrderResponse()
    {
        _buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_buffer);
        JsonSerializer.Serialize(writer, _order, ResponseOptions);
        return (int)writer.BytesCommitted + writer.BytesPending;
    }
}
