using FlashSale.Orders;

namespace FlashSale.Tests.Orders;

/// <summary>Order ids are UUIDv7: the purchase time first (the record's id index appends), then unguessable bits.</summary>
public sealed class OrderIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 17, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void AnId_IsVersion7_WithTheRfcVariant_AndCarriesItsMillisecond()
    {
        var id = OrderIds.New(At);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var text = id.ToString("N");
        Assert.Equal(At.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
        // The same layout the framework gives: the same time prefix, the same version and variant.
        Assert.Equal(Guid.CreateVersion7(At).ToString("N")[..12], text[..12]);
    }

    [Fact]
    public void Ids_SortByTime_AsText_AndAsTheRecordStoresThem()
    {
        var earlier = OrderIds.New(At);
        var later = OrderIds.New(At.AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(earlier.ToString("D"), later.ToString("D")) < 0);
    }

    [Fact]
    public async Task ManyIds_InTheSameMillisecond_OnManyThreads_AreAllDifferent_AndNotGuessable()
    {
        const int perThread = 5_000; // past several refills of each thread's random block
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, perThread).Select(_ => OrderIds.New(At)).ToArray())));
        var all = ids.SelectMany(i => i).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        // The 74 random bits look random: each of the 16 bits of the last two bytes is set about half the time.
        var lastBytes = all.Select(id => id.ToByteArray(bigEndian: true)).Select(b => (b[14] << 8) | b[15]).ToList();
        for (var bit = 0; bit < 16; bit++)
        {
            var set = lastBytes.Count(v => (v & (1 << bit)) != 0) / (double)all.Count;
            Assert.InRange(set, 0.45, 0.55);
        }
    }
}
