using FlashSale.Storage.Redis;
using Microsoft.Extensions.Options;

namespace FlashSale.Tests.Distributed;

/// <summary>The retirement settings as the start validates them (ValidateDataAnnotations on DistributedOptions).</summary>
public sealed class RetireSettingsTests
{
    [Theory]
    [InlineData("01:00:00", "00:01:00", true)]
    [InlineData("00:00:00", "00:00:00.050", true)] // retired at the first sweep after the end (tests)
    [InlineData("-00:00:01", "00:01:00", false)]
    [InlineData("366.00:00:00", "00:01:00", false)]
    [InlineData("01:00:00", "00:00:00", false)] // a sweep loop without pause
    [InlineData("01:00:00", "2.00:00:00", false)]
    public void RetireAfterAndTheSweepInterval_AreValidated(string after, string interval, bool valid)
    {
        var options = new DistributedOptions
        {
            RetireAfter = TimeSpan.Parse(after, System.Globalization.CultureInfo.InvariantCulture),
            RetireSweepInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Equal(valid, new DataAnnotationValidateOptions<DistributedOptions>(null).Validate(null, options).Succeeded);
    }
}
