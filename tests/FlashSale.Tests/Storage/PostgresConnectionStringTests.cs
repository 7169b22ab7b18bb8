using FlashSale.Storage.Redis;
using Npgsql;

namespace FlashSale.Tests.Storage;

/// <summary>The distributed mode's PostgreSQL defaults: statements prepared, no reset per pooled use, unless the operator said otherwise.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Unset_GetsAutoPrepareAndNoReset()
    {
        var built = new NpgsqlConnectionStringBuilder(
            DistributedStorageSetup.PostgresConnectionString("Host=db;Username=app;Database=flashsale"));

        Assert.Equal(32, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
        Assert.Equal("db", built.Host);
        Assert.Equal("flashsale", built.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;NoResetOnClose=false")]
    public void SetByTheOperator_IsKept(string configured)
    {
        var built = new NpgsqlConnectionStringBuilder(DistributedStorageSetup.PostgresConnectionString(configured));

        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.False(built.NoResetOnClose);
    }
}
