using FlashSale.Common;
using FlashSale.Operations;
using FlashSale.Storage.Redis;
using Npgsql;

namespace FlashSale.Tests.Operations;

/// <summary>The one line a failed start prints, for failures whose own words named neither the setting nor the fix.</summary>
public sealed class StartFailureReasonTests
{
    [Fact]
    public void ADatabaseThatDoesNotExist_NamesTheSetting_AndSaysToCreateIt()
    {
        var missing = new PostgresException("database \"shop\" does not exist", "FATAL", "FATAL", PostgresErrorCodes.InvalidCatalogName);

        var reason = StartFailure.Reason(new InvalidOperationException("Applying migrations failed.", missing));

        Assert.StartsWith("ConnectionStrings:Postgres names a database that does not exist (database \"shop\" does not exist): create it",
            reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnconvertibleSetting_SaysWhatToWrite_OfAnyType()
    {
        var timeSpan = new InvalidOperationException(
            "Failed to convert configuration value 'soon' at 'Live:MinInterval' to type 'System.TimeSpan'.", new FormatException());

        Assert.Equal("Live:MinInterval must be a time span such as 00:00:05, not 'soon' (environment variable Live__MinInterval).",
            StartFailure.Reason(timeSpan));
    }

    [Fact]
    public void ANamespaceThatDoesNotMatch_SaysWhatItMayHold_AndTheValueGiven()
    {
        var problems = SettingsValidation.Check(new DistributedOptions { Namespace = "a b" }, "Distributed").ToList();

        Assert.Contains("Distributed:Namespace must be 1-64 letters, digits, '_', '.' or '-' (it starts every Redis key of the deployment), " +
            "not 'a b' (environment variable Distributed__Namespace).", problems);
    }
}
