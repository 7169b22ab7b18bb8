using FlashSale.Drill.Load;

namespace FlashSale.Drill.Tests;

public sealed class RampScheduleTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Ramp = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 501)]
    [InlineData(10, 1000)]
    [InlineData(15, 1000)]
    [InlineData(20, 1000)]
    [InlineData(25, 500)]
    [InlineData(30, 0)]
    public void ActiveUsers_ClimbHoldAndFall(int second, int expected) =>
        Assert.Equal(expected, RampSchedule.ActiveAt(TimeSpan.FromSeconds(second), 1000, Duration, Ramp, Ramp));

    [Fact]
    public void WithoutRamps_EveryoneStartsAtOnceAndStopsAtTheEnd()
    {
        Assert.Equal(TimeSpan.Zero, RampSchedule.StartOffset(49, 50, TimeSpan.Zero));
        Assert.Equal(Duration, RampSchedule.StopOffset(49, 50, Duration, TimeSpan.Zero));
        Assert.Null(RampSchedule.StopOffset(0, 50, null, TimeSpan.Zero));
    }
}
