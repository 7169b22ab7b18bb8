using FlashSale.Live;

namespace FlashSale.Tests.Live;

/// <summary>The feed's rest between reads: the coalescing interval, stretched to keep the instance's deliveries in budget.</summary>
public sealed class FeedRestTests
{
    private static readonly LiveOptions Defaults = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4_000)] // 4,000 viewers × 5 updates a second = 20,000: exactly the budget of one core
    public void WithinTheBudget_RestsTheCoalescingInterval(int viewers) =>
        Assert.Equal(Defaults.MinInterval, SaleFeed.RestAfterTick(Defaults, viewers, cores: 1));

    [Theory]
    [InlineData(10_000, 1, 500)]
    [InlineData(10_000, 2, 250)]
    [InlineData(100_000, 4, 1_250)]
    public void BeyondTheBudget_RestsLongEnoughToStayInIt(int viewers, int cores, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), SaleFeed.RestAfterTick(Defaults, viewers, cores));

    [Fact]
    public void NoBudget_RestsTheCoalescingInterval_WhateverTheAudience()
    {
        var options = new LiveOptions { MaxDeliveriesPerSecondPerCore = 0, MinInterval = TimeSpan.FromMilliseconds(300) };

        Assert.Equal(TimeSpan.FromMilliseconds(300), SaleFeed.RestAfterTick(options, 1_000_000, cores: 1));
    }
}
