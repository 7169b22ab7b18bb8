using FlashSale.Sales;

namespace FlashSale.Tests.Sales;

/// <summary>The sale list's cursor: a total order over sales, and a cursor that reads back as the same position.</summary>
public sealed class SalePositionTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Cursor_RoundTrips()
    {
        var position = new SalePosition(At.UtcTicks, At.AddTicks(1).UtcTicks, Guid.NewGuid());

        Assert.True(SalePosition.TryParse(position.ToCursor(), out var parsed));
        Assert.Equal(position, parsed);
    }

    [Fact]
    public void Order_IsStartThenCreationThenId()
    {
        var (low, high) = (new Guid("00000000-0000-0000-0000-000000000001"), new Guid("00000000-0000-0000-0000-000000000002"));
        var first = new SalePosition(At.UtcTicks, At.AddDays(9).UtcTicks, high);
        var second = new SalePosition(At.AddTicks(1).UtcTicks, At.UtcTicks, low);
        var third = new SalePosition(At.AddTicks(1).UtcTicks, At.AddTicks(1).UtcTicks, low);
        var fourth = third with { Id = high };

        Assert.Equal([first, second, third, fourth], new[] { fourth, third, second, first }.Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("1.2.not-a-guid")]
    [InlineData("+1.2.00000000000000000000000000000001")]
    [InlineData(" 1.2.00000000000000000000000000000001")]
    [InlineData("1.2.00000000-0000-0000-0000-000000000001")] // another id format than the one handed out
    [InlineData("3155378976000000001.2.00000000000000000000000000000001")] // past DateTimeOffset.MaxValue
    public void Cursor_NotHandedOut_IsRefused(string raw) => Assert.False(SalePosition.TryParse(raw, out _));
}
